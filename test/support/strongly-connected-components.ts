/**
 * Tarjan's algorithm: the strongly connected components of a directed graph, each listed once. A
 * graph has a cycle exactly when some component has more than one node (or a node links to itself).
 */
export function stronglyConnectedComponents(adjacency: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (node: string): void => {
    const own = next++;
    index.set(node, own);
    low.set(node, own);
    stack.push(node);
    onStack.add(node);
    for (const target of adjacency.get(node) ?? []) {
      const seen = index.get(target);
      if (seen === undefined) {
        visit(target);
        low.set(node, Math.min(low.get(node) ?? own, low.get(target) ?? own));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node) ?? own, seen));
      }
    }
    if (low.get(node) !== own) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    components.push(component);
  };

  const nodes = new Set([...adjacency.keys(), ...[...adjacency.values()].flat()]);
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components;
}
