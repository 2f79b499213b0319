package dev.slate.installer.cluster;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonMappingException.Reference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses rendered manifests (a multi-document YAML stream, as {@code helm template} writes it) into
 * Fabric8 model objects, strictly: a field the Kubernetes model does not have, a value of the wrong type,
 * or a kind the model does not know is an error, never silently kept.
 *
 * <p>Fabric8's model classes catch unknown fields in an {@code additionalProperties} map (a
 * {@code @JsonAnySetter}), so {@link DeserializationFeature#FAIL_ON_UNKNOWN_PROPERTIES} alone would
 * accept anything. This parser removes that any-setter from every model class and turns the feature on,
 * so Jackson itself refuses an unknown field and names its path.
 */
public final class Manifests {
    private static final Pattern SOURCE = Pattern.compile("(?m)^# Source: (\\S+)\\s*$");
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    private final KubernetesSerialization strict;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());

    public Manifests() {
        ObjectMapper mapper = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.registerModule(
                new SimpleModule("slate-strict-kubernetes-model").setDeserializerModifier(new NoAnySetter()));
        this.strict = new KubernetesSerialization(mapper, true);
    }

    /** Every object of the stream, in order; empty documents (a template that rendered nothing) are skipped. */
    public List<HasMetadata> parse(String stream) {
        List<HasMetadata> objects = new ArrayList<>();
        String[] documents = DOCUMENT_SEPARATOR.split(stream);
        int number = 0;
        for (String document : documents) {
            number++;
            String source = sourceOf(document);
            JsonNode tree;
            try {
                tree = yaml.readTree(document);
            } catch (IOException e) {
                throw new ManifestException(number, source, "not YAML: " + e.getMessage(), e);
            }
            if (tree == null || tree.isMissingNode() || tree.isNull()) {
                continue;
            }
            objects.add(toObject(number, source, tree));
        }
        return List.copyOf(objects);
    }

    /** One object from its JSON or YAML text, strictly. */
    public HasMetadata parseOne(String text) {
        List<HasMetadata> objects = parse(text);
        if (objects.size() != 1) {
            throw new ManifestException(1, "", "expected one object, found " + objects.size(), null);
        }
        return objects.getFirst();
    }

    /** The serialization that refuses unknown fields (for callers that convert objects themselves). */
    public KubernetesSerialization serialization() {
        return strict;
    }

    private HasMetadata toObject(int number, String source, JsonNode tree) {
        if (!tree.isObject()) {
            throw new ManifestException(number, source, "not an object", null);
        }
        String apiVersion = tree.path("apiVersion").asText("");
        String kind = tree.path("kind").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty()) {
            throw new ManifestException(number, source, "apiVersion and kind are required", null);
        }
        KubernetesResource resource;
        try {
            resource = strict.unmarshal(tree.toString(), KubernetesResource.class);
        } catch (RuntimeException e) {
            throw new ManifestException(number, source, kind + ": " + reason(e), e);
        }
        if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata object)) {
            throw new ManifestException(
                    number, source, "unknown kind " + apiVersion + " " + kind + " (not in the Kubernetes model)", null);
        }
        if (object.getMetadata() == null || object.getMetadata().getName() == null) {
            throw new ManifestException(number, source, kind + " has no metadata.name", null);
        }
        return object;
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnrecognizedPropertyException unknown) {
                return "unknown field '" + unknown.getPropertyName() + "' at " + path(unknown);
            }
            if (t instanceof JsonMappingException mapping && t.getCause() == null) {
                return mapping.getOriginalMessage() + " at " + path(mapping);
            }
        }
        return e.getMessage();
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "(top level)" : path.toString();
    }

    private static String sourceOf(String document) {
        Matcher m = SOURCE.matcher(document);
        return m.find() ? m.group(1) : "";
    }

    /** Removes the catch-all {@code additionalProperties} setter of the Fabric8 model classes. */
    private static final class NoAnySetter extends BeanDeserializerModifier {
        @Override
        public BeanDeserializerBuilder updateBuilder(
                DeserializationConfig config, BeanDescription description, BeanDeserializerBuilder builder) {
            Class<?> type = description.getBeanClass();
            // GenericKubernetesResource is all additional properties: an unknown kind, refused by name above
            if (type.getName().startsWith("io.fabric8.kubernetes.api.model")
                    && type != GenericKubernetesResource.class) {
                builder.setAnySetter(null);
            }
            return builder;
        }
    }
}
