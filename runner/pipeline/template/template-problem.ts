/** @module The error of one templating problem (an unknown variable, an unclosed `${`); the caller knows where it is and turns it into a located issue. */
export class TemplateProblem extends Error {}
