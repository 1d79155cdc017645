// Worker file for workerpool: registers the task functions by name.
import workerpool from 'workerpool';
import { increment, noop, spin } from '../tasks.mjs';

workerpool.worker({ noop, increment, spin });
