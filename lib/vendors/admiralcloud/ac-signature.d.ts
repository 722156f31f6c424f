/**
 * The part of AdmiralCloud's own request signer, `ac-signature` (CommonJS, untyped), that the
 * adapter calls: `sign`. Signature v1 hashes controller/action, v2 the request path.
 */
declare module 'ac-signature' {
  namespace acSignature {
    interface SignParams {
      accessSecret: string;
      /** Signature v2: the request path; a query string on it is ignored. */
      path?: string;
      /** Signature v1: the API controller. */
      controller?: string;
      /** Signature v1: the controller's action. */
      action?: string;
      /** Hashed only when it has keys: for a GET or DELETE, the route and query parameters. */
      payload?: Record<string, unknown>;
      /** Whole unix seconds; the signer takes the wall clock when absent. */
      ts?: number;
    }

    interface Signed {
      /** Hex HMAC-SHA256 keyed with the access secret: the `x-admiralcloud-hash` header. */
      hash: string;
      /** The `x-admiralcloud-rts` header. */
      timestamp: number;
    }
  }

  const acSignature: {
    /**
     * Signs one request; answers a word such as `accessSecretMissing`, `controllerMissing` or
     * `actionMissing` instead when the parameters cannot be signed.
     */
    sign(params: acSignature.SignParams, options?: { version?: number }): acSignature.Signed | string;
  };
  export = acSignature;
}
