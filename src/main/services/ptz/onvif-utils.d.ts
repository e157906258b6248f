// The onvif package ships types for its Cam only; this is the part of its SOAP helpers we use.
declare module 'onvif/lib/utils.js' {
  const utils: {
    /** The library's own answer parser: prefixes stripped, SOAP faults as errors. */
    parseSOAPString(
      xml: string,
      callback: (error: Error | null, body: unknown, xml: string) => void,
      statusCode?: number,
    ): void;
  };
  export default utils;
}
