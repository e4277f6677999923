/**
 * Where the app's warnings go when nobody asked for them elsewhere: the console, under one prefix,
 * so bad peer input, failed writes and odd server frames are found by one search.
 */
export type Warn = (message: string, error?: unknown) => void;

export const consoleWarn: Warn = (message, error) => console.warn(`[parley] ${message}`, error ?? '');
