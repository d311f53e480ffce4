import type { Admin, Producer } from 'kafkajs';

/**
 * Connects a kafkajs producer or admin client on first use and again after it has been
 * disconnected, so a service that booted while the broker was down catches up by itself.
 * (kafkajs reconnects broker sockets on its own, but not a client whose connect() failed.)
 */
export class ConnectionGuard {
  private connected = false;
  private connecting?: Promise<void>;

  private constructor(private readonly connect: () => Promise<void>) {}

  static forProducer(producer: Producer): ConnectionGuard {
    const guard = new ConnectionGuard(() => producer.connect());
    producer.on(producer.events.CONNECT, () => (guard.connected = true));
    producer.on(producer.events.DISCONNECT, () => (guard.connected = false));
    return guard;
  }

  static forAdmin(admin: Admin): ConnectionGuard {
    const guard = new ConnectionGuard(() => admin.connect());
    admin.on(admin.events.CONNECT, () => (guard.connected = true));
    admin.on(admin.events.DISCONNECT, () => (guard.connected = false));
    return guard;
  }

  async ensureConnected(): Promise<void> {
    if (this.connected) return;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    await this.connecting;
  }
}
