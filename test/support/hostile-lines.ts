// Line labels for the tests of escaping: the simulator's demo home has plain names, these tests
// give it hostile ones (`lineNames`). Line 4 is the one the tests look for.
export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

export const HOSTILE_LINE_NAMES: readonly string[] = [
  'Prises cuisine',
  'Chauffe-eau',
  'Climatisation',
  'Éclairage séjour',
  HOSTILE_NAME,
  'Total',
  'Gaz',
  'Eau chaude',
  'Eau froide',
];
