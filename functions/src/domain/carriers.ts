// The four mainland carriers and the number blocks each was allocated (MIIT 号段). A carrier may
// report events only for numbers it holds: by its block for a number we have never heard of, and
// by the history's carrier afterwards.
export const CARRIERS = [
  { id: 'cmcc', name: '中国移动', prefixes: ['134', '135', '136', '137', '138', '139', '147', '148', '150', '151', '152', '157', '158', '159', '172', '178', '182', '183', '184', '187', '188', '195', '197', '198'] },
  { id: 'cucc', name: '中国联通', prefixes: ['130', '131', '132', '145', '146', '155', '156', '166', '167', '171', '175', '176', '185', '186', '196'] },
  { id: 'ctcc', name: '中国电信', prefixes: ['133', '149', '153', '173', '174', '177', '180', '181', '189', '190', '191', '193', '199'] },
  { id: 'cbn', name: '中国广电', prefixes: ['192'] }
] as const

export type CarrierId = (typeof CARRIERS)[number]['id']

export const CARRIER_IDS: readonly string[] = CARRIERS.map(c => c.id)

/** the carrier whose block holds this number, or undefined outside every block */
export function carrierOf (phone: string): CarrierId | undefined {
  return CARRIERS.find(c => (c.prefixes as readonly string[]).includes(phone.slice(0, 3)))?.id
}
