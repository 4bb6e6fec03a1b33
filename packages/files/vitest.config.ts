import { packageVitestConfig } from '../../vitest.shared.js';

export default packageVitestConfig(import.meta.dirname);
