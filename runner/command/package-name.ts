/** @module The npm package pipe is installed as (its bin is `pipe`): what `pipe --version` looks for and what generated files name. */
export const PACKAGE_NAME = 'pipe-ml';
