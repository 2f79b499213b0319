package dev.slate.serving.model.parse;

import dev.slate.serving.model.Durations;
import dev.slate.serving.model.Problems;
import dev.slate.serving.model.SourceLocation;
import dev.slate.serving.model.Suggestions;
import dev.slate.serving.model.error.ErrorCode;
import dev.slate.serving.model.spec.AggregateSpec;
import dev.slate.serving.model.spec.EmbeddedText;
import dev.slate.serving.model.spec.EntitySpec;
import dev.slate.serving.model.spec.FeatureSpec;
import dev.slate.serving.model.spec.RelationSpec;
import dev.slate.serving.model.spec.ResolverSpec;
import dev.slate.serving.model.spec.SecretReference;
import dev.slate.serving.model.spec.SourceSpec;
import dev.slate.storage.spi.FeatureType;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads one YAML file of a project into declared specs, reporting every problem with its position. */
final class YamlProjectParser {
    static final Set<String> ROOT_KEYS =
            Set.of("project", "sources", "entities", "resolvers", "named_queries", "alerts");
    static final Set<String> OTHER_KEYS = Set.of("sources", "entities", "resolvers", "named_queries", "alerts");
    static final Set<String> POSTGRES_KEYS =
            Set.of("kind", "url", "username", "password", "max_connections", "description");
    static final Set<String> PARQUET_KEYS = Set.of("kind", "path", "description");
    static final Set<String> ENTITY_KEYS = Set.of("key", "time", "max_staleness", "features", "description");
    static final Set<String> FEATURE_KEYS =
            Set.of("type", "expression", "max_staleness", "ingested", "etl_offline_to_online", "tags", "description");
    static final Set<String> SQL_RESOLVER_KEYS =
            Set.of("name", "kind", "source", "sql", "resolves", "outputs", "timeout", "many", "description");
    static final Set<String> HTTP_RESOLVER_KEYS = HttpResolverParser.KEYS;
    static final int DEFAULT_MAX_CONNECTIONS = 10;
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.:-]*://[^/@:]*:[^/@]+@.*");

    private final String file;
    private final String[] rawLines;
    private final Problems problems;
    private final ProjectSpecBuilder out;

    private YamlProjectParser(String file, String content, Problems problems, ProjectSpecBuilder out) {
        this.file = file;
        this.rawLines = content.split("\n", -1);
        this.problems = problems;
        this.out = out;
    }

    /** Parses {@code content} of {@code file} into {@code out}; {@code root} is true for slate.yaml. */
    static void parse(String file, String content, boolean root, Problems problems, ProjectSpecBuilder out) {
        new YamlProjectParser(file, content, problems, out).parse(content, root);
    }

    private void parse(String content, boolean root) {
        Node document;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowRecursiveKeys(false);
            options.setMaxAliasesForCollections(50);
            options.setNestingDepthLimit(50);
            document = new Yaml(options).compose(new StringReader(content));
        } catch (MarkedYAMLException e) {
            problems.add(YamlMap.locate(file, e.getProblemMark()), ErrorCode.YAML_SYNTAX, syntaxMessage(e));
            out.resolverUnreadable();
            return;
        } catch (YAMLException e) {
            problems.add(
                    SourceLocation.of(file), ErrorCode.YAML_SYNTAX, "not valid YAML: " + firstLine(e.getMessage()));
            out.resolverUnreadable();
            return;
        }
        if (document == null && !root) {
            return;
        }
        Optional<YamlMap> top = YamlMap.of(file, document, problems, file);
        if (top.isEmpty()) {
            return;
        }
        YamlMap map = top.get();
        if (root) {
            map.rejectUnknown(ROOT_KEYS, file);
            map.required("project", file).ifPresent(name -> {
                Names.checkProjectName(name)
                        .ifPresent(m -> problems.add(map.valueLocation("project"), ErrorCode.INVALID_NAME, m));
                out.project(name, map.valueLocation("project"));
            });
        } else {
            if (map.has("project")) {
                problems.add(
                        map.keyLocation("project"),
                        ErrorCode.UNKNOWN_FIELD,
                        "'project' may only be set in slate.yaml; other YAML files hold sources, entities and resolvers");
            }
            Set<String> allowed = new LinkedHashSet<>(OTHER_KEYS);
            allowed.add("project");
            map.rejectUnknown(allowed, file);
        }
        map.node("sources")
                .ifPresent(n -> YamlMap.of(file, n, problems, "sources").ifPresent(this::sources));
        map.node("entities")
                .ifPresent(n -> YamlMap.of(file, n, problems, "entities").ifPresent(this::entities));
        map.node("resolvers").ifPresent(this::resolvers);
        map.node("named_queries")
                .ifPresent(n -> new NamedQueryParser(file, problems).parse(n).forEach(out::namedQuery));
        map.node("alerts")
                .ifPresent(n -> new AlertParser(file, problems).parse(n).forEach(out::alert));
    }

    private static String syntaxMessage(MarkedYAMLException e) {
        StringBuilder sb = new StringBuilder("not valid YAML: ");
        if (e.getContext() != null) {
            sb.append(e.getContext());
            if (e.getContextMark() != null) {
                sb.append(" (line ")
                        .append(e.getContextMark().getLine() + 1)
                        .append(", column ")
                        .append(e.getContextMark().getColumn() + 1)
                        .append(")");
            }
            sb.append(": ");
        }
        sb.append(e.getProblem() == null ? "syntax error" : e.getProblem());
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "syntax error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ---- sources ----

    private void sources(YamlMap sources) {
        for (String name : sources.keys()) {
            SourceLocation at = sources.keyLocation(name);
            Names.checkResourceName(name, "source").ifPresent(m -> problems.add(at, ErrorCode.INVALID_NAME, m));
            YamlMap.of(file, sources.node(name).orElseThrow(), problems, "source '" + name + "'")
                    .flatMap(m -> source(name, at, m))
                    .ifPresent(out::source);
        }
    }

    private Optional<SourceSpec> source(String name, SourceLocation at, YamlMap m) {
        String what = "source '" + name + "'";
        Optional<String> kind = m.required("kind", what);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        switch (kind.get()) {
            case "postgres", "postgresql" -> {
                m.rejectUnknown(POSTGRES_KEYS, what);
                Optional<String> url = m.required("url", what);
                url.ifPresent(u -> checkUrl(u, m.valueLocation("url"), what));
                Optional<String> username = m.scalar("username", "username of " + what);
                username.ifPresent(u -> checkReference(u, m.valueLocation("username"), "username of " + what));
                Optional<String> password = m.scalar("password", "password of " + what);
                password.ifPresent(p -> checkPassword(p, m.valueLocation("password"), what));
                int maxConnections = m.scalar("max_connections", "max_connections of " + what)
                        .flatMap(v ->
                                positiveInt(v, m.valueLocation("max_connections"), "max_connections of " + what, 1000))
                        .orElse(DEFAULT_MAX_CONNECTIONS);
                return url.map(u -> new SourceSpec.Postgres(name, u, username, password, maxConnections, at));
            }
            case "parquet" -> {
                m.rejectUnknown(PARQUET_KEYS, what);
                Optional<String> path = m.required("path", what);
                if (path.isEmpty()) {
                    return Optional.empty();
                }
                // a bad path is reported, and the source still declared (its resolvers are not reported as reading an
                // unknown source)
                ParquetPaths.check(path.get())
                        .ifPresent(bad -> problems.add(
                                m.valueLocation("path"), ErrorCode.INVALID_VALUE, "path of " + what + " " + bad));
                return Optional.of(new SourceSpec.Parquet(name, path.get(), at));
            }
            default -> {
                problems.add(
                        m.valueLocation("kind"),
                        ErrorCode.UNKNOWN_TYPE,
                        "unknown source kind '" + kind.get() + "' of " + what
                                + Suggestions.didYouMean(kind.get(), List.of("postgres", "parquet"))
                                + "; known kinds: postgres, parquet");
                return Optional.empty();
            }
        }
    }

    private void checkUrl(String url, SourceLocation at, String what) {
        if (SecretReference.isReference(url)) {
            return;
        }
        if (SecretReference.looksLikeBrokenReference(url)) {
            problems.add(
                    at,
                    ErrorCode.INVALID_VALUE,
                    "url of " + what + " is not a valid reference; write ${env:NAME} or ${secret:NAME}");
            return;
        }
        String u = url.startsWith("jdbc:") ? url.substring(5) : url;
        if (!(u.startsWith("postgresql://") || u.startsWith("postgres://"))) {
            problems.add(
                    at,
                    ErrorCode.INVALID_VALUE,
                    "url of " + what
                            + " must look like postgresql://host:port/database (or be ${env:NAME} / ${secret:NAME})");
            return;
        }
        if (URL_WITH_PASSWORD.matcher(u).matches()) {
            problems.add(
                    at,
                    ErrorCode.PLAINTEXT_SECRET,
                    "url of " + what
                            + " holds a password in plain text; remove it from the url and set password: \"${secret:NAME}\"");
        }
    }

    private void checkReference(String value, SourceLocation at, String what) {
        if (SecretReference.looksLikeBrokenReference(value)) {
            problems.add(
                    at,
                    ErrorCode.INVALID_VALUE,
                    what + " is not a valid reference; write ${env:NAME} or ${secret:NAME}");
        }
    }

    private void checkPassword(String password, SourceLocation at, String what) {
        if (SecretReference.isReference(password)) {
            return;
        }
        if (SecretReference.looksLikeBrokenReference(password)) {
            problems.add(
                    at,
                    ErrorCode.INVALID_VALUE,
                    "password of " + what
                            + " is not a valid reference; write \"${secret:NAME}\" or \"${env:NAME}\" (NAME: letters, digits, _ . -)");
            return;
        }
        problems.add(
                at,
                ErrorCode.PLAINTEXT_SECRET,
                "password of " + what
                        + " is written in plain text; use a reference such as \"${secret:NAME}\" or \"${env:NAME}\"");
    }

    private Optional<Integer> positiveInt(String value, SourceLocation at, String what, int max) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1 && n <= max) {
                return Optional.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(
                at,
                ErrorCode.INVALID_VALUE,
                what + " must be a whole number from 1 to " + max + ", not '" + value + "'");
        return Optional.empty();
    }

    // ---- entities ----

    private void entities(YamlMap entities) {
        for (String name : entities.keys()) {
            SourceLocation at = entities.keyLocation(name);
            Names.checkIdentifier(name, "entity").ifPresent(m -> problems.add(at, ErrorCode.INVALID_NAME, m));
            YamlMap.of(file, entities.node(name).orElseThrow(), problems, "entity '" + name + "'")
                    .map(m -> entity(name, at, m))
                    .ifPresent(out::entity);
        }
    }

    private EntitySpec entity(String name, SourceLocation at, YamlMap m) {
        String what = "entity '" + name + "'";
        m.rejectUnknown(ENTITY_KEYS, what);
        Optional<String> key = m.required("key", what);
        Optional<Duration> maxStaleness = duration(m, "max_staleness", "max_staleness of " + what);
        Optional<String> description = m.scalar("description", "description of " + what);
        Optional<String> time = m.scalar("time", "time of " + what).map(String::strip);
        List<FeatureSpec> features = new ArrayList<>();
        List<RelationSpec> relations = new ArrayList<>();
        List<AggregateSpec> aggregates = new ArrayList<>();
        if (!m.has("features")) {
            problems.add(at, ErrorCode.MISSING_FIELD, what + " has no 'features'");
        } else {
            YamlMap.of(file, m.node("features").orElseThrow(), problems, "features of " + what)
                    .ifPresent(fs -> {
                        for (String feature : fs.keys()) {
                            feature(name, feature, fs, relations, aggregates).ifPresent(features::add);
                        }
                    });
        }
        return new EntitySpec(
                name,
                key,
                m.valueLocation("key"),
                maxStaleness,
                features,
                description,
                at,
                time,
                m.valueLocation("time"),
                relations,
                aggregates);
    }

    private Optional<FeatureSpec> feature(
            String entity,
            String name,
            YamlMap features,
            List<RelationSpec> relations,
            List<AggregateSpec> aggregates) {
        SourceLocation at = features.keyLocation(name);
        String what = "feature '" + entity + "." + name + "'";
        Names.checkIdentifier(name, "feature").ifPresent(m -> problems.add(at, ErrorCode.INVALID_NAME, m));
        Node node = features.node(name).orElseThrow();
        if (node instanceof ScalarNode s) {
            if (YamlMap.isNull(s)) {
                problems.add(at, ErrorCode.MISSING_FIELD, what + " has no type (e.g. " + name + ": string)");
                return Optional.of(plain(entity, name, Optional.empty(), at));
            }
            Optional<FeatureType> type = type(s.getValue(), YamlMap.locate(file, s), what);
            return Optional.of(plain(entity, name, type, at));
        }
        if (!(node instanceof MappingNode)) {
            problems.add(
                    YamlMap.locate(file, node),
                    ErrorCode.INVALID_VALUE,
                    what + " must be a type (e.g. " + name
                            + ": string) or a mapping such as {type: string, expression: \"...\"}, not "
                            + YamlMap.describe(node));
            return Optional.empty();
        }
        YamlMap m = YamlMap.of(file, node, problems, what).orElseThrow();
        Set<String> tags = tags(m, what);
        Optional<String> description = m.scalar("description", "description of " + what);
        // relations and aggregations are declared apart (EntitySpec.relations/aggregates); the placeholder keeps the
        // name taken
        if (RelationParser.isRelation(m)) {
            new RelationParser(file, rawLines, problems)
                    .relation(entity, name, at, m)
                    .ifPresent(relations::add);
            return Optional.of(new FeatureSpec(
                    entity,
                    name,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    tags,
                    description,
                    Optional.of(FeatureSpec.RELATION),
                    at));
        }
        if (m.has("aggregate")) {
            new RelationParser(file, rawLines, problems)
                    .aggregate(entity, name, at, m, tags)
                    .ifPresent(aggregates::add);
            return Optional.of(new FeatureSpec(
                    entity,
                    name,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    false,
                    tags,
                    description,
                    Optional.of(FeatureSpec.AGGREGATE),
                    at));
        }
        m.rejectUnknown(FEATURE_KEYS, what);
        Optional<FeatureType> type = m.required("type", what).flatMap(t -> type(t, m.valueLocation("type"), what));
        Optional<EmbeddedText> expression = Optional.empty();
        if (m.has("expression")) {
            Node e = m.node("expression").orElseThrow();
            if (e instanceof ScalarNode s && !YamlMap.isNull(s) && !s.getValue().isBlank()) {
                expression = Optional.of(YamlText.embedded(file, rawLines, s));
            } else {
                problems.add(
                        m.valueLocation("expression"), ErrorCode.BAD_EXPRESSION, "expression of " + what + " is empty");
            }
        }
        Optional<Duration> maxStaleness = duration(m, "max_staleness", "max_staleness of " + what);
        boolean ingested = m.bool("ingested", "ingested of " + what).orElse(false);
        boolean etl = m.bool("etl_offline_to_online", "etl_offline_to_online of " + what)
                .orElse(false);
        return Optional.of(new FeatureSpec(
                entity, name, type, expression, maxStaleness, ingested, etl, tags, description, Optional.empty(), at));
    }

    private static FeatureSpec plain(String entity, String name, Optional<FeatureType> type, SourceLocation at) {
        return new FeatureSpec(
                entity,
                name,
                type,
                Optional.empty(),
                Optional.empty(),
                false,
                Set.of(),
                Optional.empty(),
                Optional.empty(),
                at);
    }

    private Set<String> tags(YamlMap m, String what) {
        Set<String> tags = new LinkedHashSet<>();
        m.scalarList("tags", "tags of " + what).ifPresent(list -> list.forEach(s -> tags.add(s.getValue())));
        return tags;
    }

    private Optional<FeatureType> type(String text, SourceLocation at, String what) {
        Optional<FeatureType> type = FeatureType.parse(text);
        if (type.isEmpty()) {
            problems.add(
                    at,
                    ErrorCode.UNKNOWN_TYPE,
                    "unknown type '" + text + "' of " + what
                            + Suggestions.didYouMean(
                                    text.strip(), List.of("int", "float", "string", "bool", "datetime", "date"))
                            + "; known types: " + FeatureType.knownTypes());
        }
        return type;
    }

    private Optional<Duration> duration(YamlMap m, String key, String what) {
        return m.scalar(key, what).flatMap(text -> {
            try {
                return Optional.of(Durations.parse(text));
            } catch (IllegalArgumentException e) {
                problems.add(m.valueLocation(key), ErrorCode.BAD_DURATION, what + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    // ---- resolvers ----

    private void resolvers(Node node) {
        if (YamlMap.isNull(node)) {
            return;
        }
        if (!(node instanceof SequenceNode seq)) {
            out.resolverUnreadable();
            problems.add(
                    YamlMap.locate(file, node),
                    ErrorCode.INVALID_VALUE,
                    "resolvers must be a list (each entry starting with '- name: ...'), not " + YamlMap.describe(node));
            return;
        }
        for (Node item : seq.getValue()) {
            YamlMap.of(file, item, problems, "a resolver")
                    .flatMap(this::resolver)
                    .ifPresentOrElse(out::resolver, out::resolverUnreadable);
        }
    }

    private Optional<ResolverSpec> resolver(YamlMap m) {
        Optional<String> name = m.required("name", "a resolver");
        String what = "resolver '" + name.orElse("?") + "'";
        name.ifPresent(n -> Names.checkResourceName(n, "resolver")
                .ifPresent(msg -> problems.add(m.valueLocation("name"), ErrorCode.INVALID_NAME, msg)));
        String kind = m.scalar("kind", "kind of " + what).orElse("sql");
        SourceLocation at = m.location();
        switch (kind) {
            case "sql" -> {
                m.rejectUnknown(SQL_RESOLVER_KEYS, what);
                Optional<String> source = m.required("source", what);
                Optional<EmbeddedText> sql = Optional.empty();
                if (!m.has("sql")) {
                    problems.add(at, ErrorCode.MISSING_FIELD, what + " has no 'sql'");
                } else if (m.node("sql").orElseThrow() instanceof ScalarNode s
                        && !YamlMap.isNull(s)
                        && !s.getValue().isBlank()) {
                    sql = Optional.of(YamlText.embedded(file, rawLines, s));
                } else if (m.node("sql").orElseThrow() instanceof ScalarNode) {
                    problems.add(m.keyLocation("sql"), ErrorCode.MISSING_FIELD, "'sql' of " + what + " is empty");
                } else {
                    problems.add(
                            m.valueLocation("sql"),
                            ErrorCode.INVALID_VALUE,
                            "'sql' of " + what + " must be text, not "
                                    + YamlMap.describe(m.node("sql").orElseThrow()));
                }
                Optional<String> resolves = m.scalar("resolves", "resolves of " + what);
                Optional<List<ResolverSpec.Named>> outputs = m.scalarList("outputs", "outputs of " + what)
                        .map(list -> list.stream()
                                .map(s -> new ResolverSpec.Named(s.getValue().strip(), YamlMap.locate(file, s)))
                                .toList());
                Optional<Duration> timeout = timeout(m, what);
                boolean many = m.bool("many", "many of " + what).orElse(false);
                if (name.isEmpty() || source.isEmpty() || sql.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new ResolverSpec.Sql(
                        name.get(),
                        source.get(),
                        m.valueLocation("source"),
                        sql.get(),
                        resolves,
                        m.valueLocation("resolves"),
                        outputs,
                        timeout,
                        at,
                        many));
            }
            case "http" -> {
                return new HttpResolverParser(file, rawLines, problems).parse(m, name, what, at);
            }
            default -> {
                problems.add(
                        m.valueLocation("kind"),
                        ErrorCode.UNKNOWN_TYPE,
                        "unknown resolver kind '" + kind + "' of " + what
                                + Suggestions.didYouMean(kind, List.of("sql", "http")) + "; known kinds: sql, http");
                return Optional.empty();
            }
        }
    }

    private Optional<Duration> timeout(YamlMap m, String what) {
        Optional<Duration> timeout = duration(m, "timeout", "timeout of " + what);
        if (timeout.isPresent() && timeout.get().isZero()) {
            problems.add(
                    m.valueLocation("timeout"), ErrorCode.BAD_DURATION, "timeout of " + what + " must be more than 0s");
            return Optional.empty();
        }
        return timeout;
    }
}
