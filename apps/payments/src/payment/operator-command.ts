/** The checks every operator command shares: ids, the operator's name and the note, with a detail for a 400. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Printable characters, no control characters: these land in the audit trail and in logs. */
const PRINTABLE = /^[^\p{Cc}]+$/u;
export const OPERATOR_REFERENCE_PATTERN = /^(?=.{1,100}$)[^\p{Cc}]+$/u;

export interface OperatorCommandProblem {
  readonly detail: string;
}

export function checkOperatorCommand(command: { readonly paymentId: unknown; readonly operator: unknown; readonly note?: unknown }): OperatorCommandProblem | null {
  if (typeof command.paymentId !== 'string' || !UUID.test(command.paymentId)) return { detail: 'paymentId must be a UUID' };
  if (typeof command.operator !== 'string' || command.operator.length === 0 || command.operator.length > 100 || !PRINTABLE.test(command.operator)) {
    return { detail: 'operator must be 1 to 100 printable characters' };
  }
  if (command.note !== undefined && (typeof command.note !== 'string' || command.note.length > 500 || (command.note.length > 0 && !PRINTABLE.test(command.note)))) {
    return { detail: 'note must be at most 500 printable characters' };
  }
  return null;
}
