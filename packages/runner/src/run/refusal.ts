/**
 * A command that stops before doing its work, for a reason the operator can act on: thrown by a
 * set-up step, caught once by the command (`wbp <command>: <message>` on stderr, exit `status`).
 * A step throws instead of returning a status so each step has one result type and the command
 * reads as the list of its steps.
 */
export class Refusal extends Error {
  override name = 'Refusal';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}
