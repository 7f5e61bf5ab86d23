/** Placeholder: filled in by the responses work. */
export {};
