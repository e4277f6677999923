// Do not modify this file by hand!
// Re-generate this file by running lit-localize

/* eslint-disable no-irregular-whitespace */
/* eslint-disable @typescript-eslint/no-explicit-any */

export const templates = {
  sefcf950b3cc4fc3b: `语言`,
  s3d48bba07f0261ea: `That language could not be loaded.`,
};
