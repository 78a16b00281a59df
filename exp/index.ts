/** @module exp/'s surface for reports/: the experiments table as a Markdown section (pipe report --exp). */
export { experimentsSection } from './api/experiments-section.js';
