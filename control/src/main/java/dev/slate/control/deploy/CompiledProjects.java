package dev.slate.control.deploy;

import dev.slate.serving.model.ProjectCompiler;
import dev.slate.serving.model.ProjectValidationException;
import dev.slate.serving.model.graph.FeatureGraph;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles projects into feature graphs and keeps the last few by content hash. Compilation is
 * deterministic, so a stored deployment compiles to the same graph every time: activating an old
 * deployment, or loading the active one at startup, reuses the graph when it is still here.
 * Compiling blocks (CEL, YAML): call it off the event loop.
 */
@ApplicationScoped
public class CompiledProjects {
    static final int CAPACITY = 32;

    private final Map<String, FeatureGraph> byContentHash = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, FeatureGraph> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Validates and compiles a project, remembering the graph under its content hash. */
    public FeatureGraph compile(Map<String, String> files) throws ProjectValidationException {
        FeatureGraph graph = ProjectCompiler.compile(files);
        remember(graph.contentHash(), graph);
        return graph;
    }

    /**
     * The graph of a stored deployment: the remembered one for its content hash, else compiled from
     * its files (and remembered under the stored hash).
     */
    public FeatureGraph compileStored(String contentHash, Map<String, String> files) throws ProjectValidationException {
        Optional<FeatureGraph> known = cached(contentHash);
        if (known.isPresent()) {
            return known.get();
        }
        FeatureGraph graph = ProjectCompiler.compile(files);
        remember(contentHash, graph);
        return graph;
    }

    public synchronized Optional<FeatureGraph> cached(String contentHash) {
        return Optional.ofNullable(byContentHash.get(contentHash));
    }

    private synchronized void remember(String contentHash, FeatureGraph graph) {
        byContentHash.put(contentHash, graph);
    }
}
