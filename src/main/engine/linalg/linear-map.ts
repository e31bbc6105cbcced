// The one shape of a linear operator in the engine: applied to k vectors stored contiguously.

/**
 * A linear map applied to k vectors stored contiguously (vector j at j*dim), returning the images in the
 * same layout. It must not modify its input and must return a fresh array.
 */
export type LinearMap = (vectors: Float64Array, k: number) => Float64Array;
