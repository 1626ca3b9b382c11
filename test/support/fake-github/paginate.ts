/**
 * GitHub's pagination: `per_page` (default 30, at most 100) and `page`, with a `Link` header
 * naming the next, last, first and previous pages ("Using pagination in the REST API").
 */

export const DEFAULT_PER_PAGE = 30;
export const MAX_PER_PAGE = 100;

/** One page of items and the Link header to send with it (absent when everything fits). */
export function paginate<T>(items: readonly T[], url: URL): { page: T[]; link?: string } {
  const perPage = Math.min(Math.max(Number(url.searchParams.get("per_page") ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE, 1), MAX_PER_PAGE);
  const page = Math.max(Number(url.searchParams.get("page") ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (last === 1) return { page: slice };
  const at = (n: number) => {
    const u = new URL(url);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(n));
    return u.toString();
  };
  const rels: string[] = [];
  if (page < last) rels.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${at(1)}>; rel="first"`, `<${at(page - 1)}>; rel="prev"`);
  return { page: slice, link: rels.join(", ") };
}
