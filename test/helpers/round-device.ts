import type { BlockDevice } from '../../src/scan/disk/block-device.ts';

/**
 * Counts reads and rounds: a read started after another finished is one round later (the longest
 * chain of reads that waited for each other). Every read takes one event-loop turn, so reads issued
 * together finish together and the count does not depend on timing.
 */
export class RoundDevice implements BlockDevice {
  readonly label: string;
  readonly size: number;
  reads = 0;
  rounds = 0;
  private finished = 0;
  constructor(private readonly inner: BlockDevice) {
    this.label = inner.label;
    this.size = inner.size;
  }
  async read(offset: number, length: number): Promise<Buffer> {
    this.reads++;
    const round = this.finished + 1;
    this.rounds = Math.max(this.rounds, round);
    try {
      await new Promise((r) => setImmediate(r));
      return await this.inner.read(offset, length);
    } finally {
      this.finished = Math.max(this.finished, round);
    }
  }
  reset(): void {
    this.reads = 0;
    this.rounds = 0;
    this.finished = 0;
  }
}
