import { Injectable } from '@nestjs/common';
import { DeviceBindingRevocations } from '@kirim/platform';
import { DeviceBindingRepository } from './device-binding.repository';

/** identity checks its own tokens' bindings in its database: revocation takes effect at once here. */
@Injectable()
export class IdentityDeviceBindingRevocations extends DeviceBindingRevocations {
  constructor(private readonly bindings: DeviceBindingRepository) {
    super();
  }

  async isRevoked(bindingId: string): Promise<boolean> {
    return !(await this.bindings.isActive(bindingId));
  }
}
