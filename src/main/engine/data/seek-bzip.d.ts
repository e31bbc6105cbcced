// Types for the untyped `seek-bzip` package (only the call the USPS loader uses).
declare module 'seek-bzip' {
  const Bunzip: {
    /** Decompress a whole .bz2 buffer; throws on corrupt or truncated input. */
    decode(input: Buffer, expectedSize?: number, multistream?: boolean): Buffer;
  };
  export default Bunzip;
}
