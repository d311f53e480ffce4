import { SandboxAccountEntity } from './sandbox-account.entity';
import { SandboxLedgerEntryEntity } from './sandbox-ledger-entry.entity';
import { SandboxPostingEntity } from './sandbox-posting.entity';

export const SANDBOX_BANK_ENTITIES = [SandboxAccountEntity, SandboxPostingEntity, SandboxLedgerEntryEntity];
