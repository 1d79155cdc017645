// Worker file for poolifier: a ThreadWorker that names its task functions.
import { ThreadWorker } from 'poolifier';
import { increment, noop, spin } from '../tasks.mjs';

export default new ThreadWorker({ noop, increment, spin });
