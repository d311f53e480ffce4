import type { ConsumedChunk } from './batch-processor';

interface Waiting {
  readonly chunk: ConsumedChunk;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Gathers the chunks of the partitions kafkajs works on at once (partitionsConsumedConcurrently)
 * and applies them together: one database transaction for all of them instead of one each. kafkajs
 * calls eachBatch once per partition, so without this a fetch that brings six partitions' records
 * costs six transactions, six lock passes and six outbox writes, each a round trip or more.
 *
 * One application at a time: chunks handed over while one runs wait for the next, which takes all
 * of them (up to `maxMessages`, always at least one chunk). Each `submit` settles when the
 * transaction holding its chunk has committed, or with its error: a chunk is never reported applied
 * before it is. kafkajs never hands over a partition's next batch before the previous one's
 * eachBatch returned, and eachBatch submits its chunks one after another, so a partition has at
 * most one chunk waiting and its order holds.
 */
export class ChunkCombiner {
  private readonly waiting: Waiting[] = [];
  private applying = false;

  constructor(
    private readonly apply: (chunks: readonly ConsumedChunk[]) => Promise<void>,
    private readonly maxMessages: number,
  ) {}

  submit(chunk: ConsumedChunk): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ chunk, resolve, reject });
      if (this.applying) return;
      this.applying = true;
      // kafkajs hands a fetch's batches to its workers in one turn of the event loop: waiting for
      // the next lets them all arrive before the first transaction starts.
      setImmediate(() => void this.applyWaiting());
    });
  }

  private async applyWaiting(): Promise<void> {
    while (this.waiting.length > 0) {
      const taken = this.take();
      try {
        await this.apply(taken.map(({ chunk }) => chunk));
        for (const { resolve } of taken) resolve();
      } catch (error) {
        for (const { reject } of taken) reject(error);
      }
    }
    this.applying = false;
  }

  /** The longest run of waiting chunks, oldest first, within `maxMessages` (at least one chunk). */
  private take(): Waiting[] {
    let messages = this.waiting[0].chunk.messages.length;
    let count = 1;
    while (count < this.waiting.length && messages + this.waiting[count].chunk.messages.length <= this.maxMessages) {
      messages += this.waiting[count].chunk.messages.length;
      count += 1;
    }
    return this.waiting.splice(0, count);
  }
}
