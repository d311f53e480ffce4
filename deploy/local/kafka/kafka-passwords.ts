import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `$KIRIM_HOME` as scripts/lib.sh sets it: <repo>/.local unless told otherwise. */
export function kirimHome(): string {
  return process.env['KIRIM_HOME'] || resolve(__dirname, '..', '..', '..', '.local');
}

/**
 * One password file per Kafka principal, `<dir>/<principal>.password` (dir 700, files 600), made once
 * with 32 random bytes in hex. The admin's is made by kafka.sh (the broker needs it before it starts);
 * this makes the others and rotates them on request.
 */
export class KafkaPasswordFiles {
  constructor(readonly dir: string = join(kirimHome(), 'keys', 'kafka')) {}

  fileOf(principal: string): string {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(principal)) throw new Error(`not a principal name: ${JSON.stringify(principal)}`);
    return join(this.dir, `${principal}.password`);
  }

  /** The principal's password; throws, naming the file, when there is none. */
  read(principal: string): string {
    const file = this.fileOf(principal);
    const password = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    if (!password) throw new Error(`no Kafka password for ${principal} in ${file}`);
    return password;
  }

  /** Makes the principal's password unless it exists; true when it was made now. */
  ensure(principal: string): boolean {
    const file = this.fileOf(principal);
    if (existsSync(file) && readFileSync(file, 'utf8').trim()) return false;
    this.write(principal);
    return true;
  }

  /** A new password for the principal, replacing the old one in one rename (no half-written file). */
  rotate(principal: string): void {
    this.write(principal);
  }

  private write(principal: string): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    chmodSync(this.dir, 0o700);
    const file = this.fileOf(principal);
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
    renameSync(temporary, file);
  }
}
