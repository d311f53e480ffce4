import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { PaymentEntity, PaymentOperatorActionEntity } from './payment.entity';

/** The payments service's own tables (the messaging ones are added where the DataSource is built). */
export const PAYMENT_ENTITIES = [PaymentEntity, IdempotencyKeyEntity, PaymentOperatorActionEntity];
