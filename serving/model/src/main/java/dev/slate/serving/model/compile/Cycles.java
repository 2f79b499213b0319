package dev.slate.serving.model.compile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds circles in a dependency graph: one circle per strongly connected component (Tarjan), each
 * written as a path that starts and ends at the component's first node in declaration order.
 */
final class Cycles {
    private Cycles() {}

    /**
     * @param edges node to the nodes it depends on; the map's iteration order is the declaration order
     * @return each circle as a path whose first and last element are the same node
     */
    static <T> List<List<T>> find(Map<T, List<T>> edges) {
        Map<T, Integer> order = new HashMap<>();
        for (T node : edges.keySet()) {
            order.put(node, order.size());
        }
        List<List<T>> result = new ArrayList<>();
        for (Set<T> component : components(edges)) {
            T start = component.stream()
                    .min((a, b) -> Integer.compare(
                            order.getOrDefault(a, Integer.MAX_VALUE), order.getOrDefault(b, Integer.MAX_VALUE)))
                    .orElseThrow();
            boolean selfLoop = edges.getOrDefault(start, List.of()).contains(start);
            if (component.size() == 1 && !selfLoop) {
                continue;
            }
            result.add(selfLoop ? List.of(start, start) : path(edges, component, start));
        }
        return result;
    }

    /** Shortest path from start back to start inside the component (breadth first). */
    private static <T> List<T> path(Map<T, List<T>> edges, Set<T> component, T start) {
        Map<T, T> parent = new LinkedHashMap<>();
        Deque<T> queue = new ArrayDeque<>();
        queue.add(start);
        Set<T> seen = new HashSet<>();
        seen.add(start);
        while (!queue.isEmpty()) {
            T node = queue.poll();
            for (T next : edges.getOrDefault(node, List.of())) {
                if (!component.contains(next)) {
                    continue;
                }
                if (next.equals(start)) {
                    List<T> path = new ArrayList<>();
                    path.add(start);
                    for (T n = node; n != null && !n.equals(start); n = parent.get(n)) {
                        path.add(1, n);
                    }
                    path.add(start);
                    return path;
                }
                if (seen.add(next)) {
                    parent.put(next, node);
                    queue.add(next);
                }
            }
        }
        return List.of(start, start);
    }

    /** Strongly connected components, iteratively (no deep recursion on long chains). */
    private static <T> List<Set<T>> components(Map<T, List<T>> edges) {
        Map<T, Integer> index = new HashMap<>();
        Map<T, Integer> low = new HashMap<>();
        Deque<T> stack = new ArrayDeque<>();
        Set<T> onStack = new HashSet<>();
        List<Set<T>> out = new ArrayList<>();
        int[] counter = {0};
        for (T root : edges.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>(); // {node, iterator position}
            work.push(new Object[] {root, 0});
            index.put(root, counter[0]);
            low.put(root, counter[0]++);
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                @SuppressWarnings("unchecked")
                T node = (T) frame[0];
                int i = (Integer) frame[1];
                List<T> next = edges.getOrDefault(node, List.of());
                if (i < next.size()) {
                    frame[1] = i + 1;
                    T w = next.get(i);
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, 0});
                    } else if (onStack.contains(w)) {
                        low.put(node, Math.min(low.get(node), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    @SuppressWarnings("unchecked")
                    T parent = (T) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(node)));
                }
                if (low.get(node).equals(index.get(node))) {
                    Set<T> component = new HashSet<>();
                    T w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        component.add(w);
                    } while (!w.equals(node));
                    out.add(component);
                }
            }
        }
        return out;
    }
}
