// Human-readable durations and sizes (shared with the CLI).
export { bytes, duration } from '../../../shared/format';
