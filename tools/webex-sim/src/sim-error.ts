/** A Webex-shaped error raised by the org model; the pipeline renders it as the Webex error body. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: number,
  ) {
    super(message);
  }
}
