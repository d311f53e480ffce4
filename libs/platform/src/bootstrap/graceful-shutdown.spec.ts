import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { INestApplication, LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LISTEN_BACKLOG, runUntilSignalled, shutdownInOrder } from './graceful-shutdown';

const silent: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

/** A Nest app stand-in that records the order in which shutdown touches its parts. */
function fakeApp(steps: string[], options: { consumerCloseMs?: number; appCloseFails?: boolean } = {}): INestApplication {
  const server = Object.assign(new EventEmitter(), {
    listening: true,
    close: (done: () => void) => {
      steps.push('http closed');
      setImmediate(done);
    },
    closeIdleConnections: () => undefined,
  });
  const consumer = {
    close: () =>
      new Promise<void>((resolve) =>
        setTimeout(() => {
          steps.push('consumer closed');
          resolve();
        }, options.consumerCloseMs ?? 5),
      ),
  };
  return {
    getHttpServer: () => server,
    getMicroservices: () => [consumer],
    close: async () => {
      if (options.appCloseFails) throw new Error('database refused to close');
      steps.push('app closed (outbox flushed, producer disconnected, database closed)');
    },
  } as unknown as INestApplication;
}

describe('shutdownInOrder', () => {
  it('stops HTTP and the consumer before flushing the outbox and closing the database', async () => {
    const steps: string[] = [];
    await expect(shutdownInOrder(fakeApp(steps), 1000, silent)).resolves.toBe(0);
    expect(steps).toEqual(['http closed', 'consumer closed', 'app closed (outbox flushed, producer disconnected, database closed)']);
  });

  it('waits for the batch in hand before closing the app', async () => {
    const steps: string[] = [];
    await shutdownInOrder(fakeApp(steps, { consumerCloseMs: 50 }), 1000, silent);
    expect(steps.indexOf('consumer closed')).toBeLessThan(steps.findIndex((step) => step.startsWith('app closed')));
  });

  it('exits 1 when a step fails or overruns the deadline', async () => {
    await expect(shutdownInOrder(fakeApp([], { appCloseFails: true }), 1000, silent)).resolves.toBe(1);
    await expect(shutdownInOrder(fakeApp([], { consumerCloseMs: 200 }), 20, silent)).resolves.toBe(1);
  });
});

@Module({})
class EmptyModule {}

describe('runUntilSignalled', () => {
  it("listens with the service's backlog: Nest passes it on to Node's server.listen", async () => {
    const app = await NestFactory.create(EmptyModule, { logger: false });
    const server = app.getHttpServer();
    const listen = jest.spyOn(server, 'listen');
    const signals = ['SIGTERM', 'SIGINT'] as const;
    const listenersBefore = signals.map((signal) => process.listeners(signal).length);
    try {
      await runUntilSignalled(app, { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 1000 });
      expect(listen).toHaveBeenCalledWith(0, '127.0.0.1', LISTEN_BACKLOG, expect.any(Function));
      expect((server.address() as AddressInfo).port).toBeGreaterThan(0);
      expect(LISTEN_BACKLOG).toBeGreaterThan(511); // Node's default, which overflowed under load
    } finally {
      signals.forEach((signal, i) => {
        for (const listener of process.listeners(signal).slice(listenersBefore[i])) process.removeListener(signal, listener);
      });
      await app.close();
    }
  });
});
