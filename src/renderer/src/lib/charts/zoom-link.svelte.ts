// Linked zoom: charts that share a ZoomLink show the same x range (e.g. every chart of the Compare view plotted
// against step). The chart the user zooms publishes its domain; the others follow.
export class ZoomLink {
  domain = $state<[number, number] | null>(null);
  /** The x quantity the linked charts share (a chart plotted against something else neither publishes nor follows). */
  constructor(readonly x: string) {}
}
