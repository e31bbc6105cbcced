// What the config rules know of the data sets before loading them: training-set sizes and the image sides each
// offers (the loaders in src/main/engine/data/ check the files against these). No Node or DOM imports here.
import type { DataConfig, DatasetName, RunConfig } from './config/types';

/** Training images: USPS (ESL or LIBSVM files) and Chaoslab's split of Fashion-MNIST (README, Data). */
export const TRAIN_SIZE: Readonly<Record<DatasetName, number>> = { usps: 7291, 'fashion-mnist': 60_000 };

/** Image sides offered: USPS is 16×16; Fashion-MNIST is 28×28, resized to the paper's 16×16 or kept. */
export const IMAGE_SIDES: Readonly<Record<DatasetName, readonly number[]>> = { usps: [16], 'fashion-mnist': [16, 28] };

/** Training images available to a run: the data set's, or its first data.trainLimit. */
export const trainImages = (data: DataConfig): number => Math.min(data.trainLimit ?? Infinity, TRAIN_SIZE[data.dataset]);

/** Images in each step's batch: train.batchSize, or under train.mode 'gd' the whole subset. */
export const stepBatch = (c: RunConfig): number => (c.train.mode === 'gd' ? (c.train.subset ?? trainImages(c.data)) : c.train.batchSize);
