/**
 * One call as it passes through the transport. The client creates it where the call enters the
 * transport and hands it down explicitly, as the third argument of every layer; the retry layer
 * writes the attempt it is on, and the layers that report on the call (diagnostics, request
 * events) and the error middleware read it back. Nothing about a call travels in module state or
 * in headers (request headers go to Webex).
 */
export class CallContext {
  /** The attempt the call is on (1 until the retry layer sends it again); after the call, how many were made. */
  attempt = 1;
}
