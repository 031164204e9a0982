/** The fake model (answers/): each step's document from the request alone. This module keeps the names tests import. */
export { generateAnswer, generateStepDocument, type GeneratedAnswer } from './answers/generate';
export { malformedAnswer } from './answers/malformed';
