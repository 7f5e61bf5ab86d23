/** Placeholder: filled in by the webhooks work. */
export {};
