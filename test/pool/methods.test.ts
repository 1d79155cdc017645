import { backends } from '../helpers.js';
import { describePoolMethods } from './method-suite.js';

for (const backend of backends) describePoolMethods(backend);
