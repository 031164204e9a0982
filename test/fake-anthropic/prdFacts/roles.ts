/** The people who use the product: up to two roles, the most mentioned first. */

const ROLE_WORDS: [RegExp, string][] = [
  [/\bcustomers?\b/i, 'Customer'],
  [/\bshoppers?\b/i, 'Shopper'],
  [/\bbuyers?\b/i, 'Buyer'],
  [/\bsellers?\b/i, 'Seller'],
  [/\bmerchants?\b/i, 'Merchant'],
  [/\bvendors?\b/i, 'Vendor'],
  [/\bpatients?\b/i, 'Patient'],
  [/\b(?:clinicians?|doctors?|physicians?|nurses?)\b/i, 'Clinician'],
  [/\bstudents?\b/i, 'Student'],
  [/\b(?:teachers?|instructors?)\b/i, 'Teacher'],
  [/\bdrivers?\b/i, 'Driver'],
  [/\briders?\b/i, 'Rider'],
  [/\bdevelopers?\b/i, 'Developer'],
  [/\b(?:admins?|administrators?)\b/i, 'Administrator'],
  [/\boperators?\b/i, 'Operator'],
  [/\bsupport agents?\b/i, 'Support Agent'],
  [/\bmanagers?\b/i, 'Manager'],
  [/\banalysts?\b/i, 'Analyst'],
  [/\beditors?\b/i, 'Editor'],
  [/\bauthors?\b/i, 'Author'],
  [/\bmembers?\b/i, 'Member'],
  [/\bsubscribers?\b/i, 'Subscriber'],
  [/\bplayers?\b/i, 'Player'],
  [/\bguests?\b/i, 'Guest'],
  [/\bhosts?\b/i, 'Host'],
  [/\bend[- ]users?\b|\busers?\b/i, 'User'],
];

/** Up to two user roles, the most mentioned first; "User" when none. */
export function findRoles(text: string): string[] {
  const hits: { name: string; at: number; count: number }[] = [];
  for (const [re, name] of ROLE_WORDS) {
    const all = [...text.matchAll(new RegExp(re.source, 'gi'))];
    if (all.length > 0 && !hits.some((h) => h.name === name))
      hits.push({ name, at: all[0].index ?? 0, count: all.length });
  }
  hits.sort((a, b) => b.count - a.count || a.at - b.at);
  const roles = hits.slice(0, 2).map((h) => h.name);
  return roles.length > 0 ? roles : ['User'];
}
