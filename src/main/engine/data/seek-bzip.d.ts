// Types for the untyped `seek-bzip` package (only the call the USPS loader uses).
declare module 'seek-bzip' {
  const Bunzip: {
    /** Decompress a whole .bz2 buffer into `output` (anything with writeByte); throws on corrupt or truncated input. */
    decode(input: Buffer, output: { writeByte(b: number): void }, multistream?: boolean): unknown;
  };
  export default Bunzip;
}
