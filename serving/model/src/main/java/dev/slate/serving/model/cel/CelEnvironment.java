package dev.slate.serving.model.cel;

import static java.util.Objects.requireNonNull;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.slate.serving.model.FeatureId;
import dev.slate.serving.model.FeatureTypes;
import dev.slate.serving.model.Suggestions;
import dev.slate.storage.spi.FeatureType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compiles CEL expressions over the features of one entity: every feature is a variable by its plain
 * name, and {@code now} is the query time (a timestamp). The standard macros, the strings extension
 * and the math extension are available.
 */
public final class CelEnvironment {
    /** The name of the query-time variable. */
    public static final String NOW = "now";

    private static final CelOptions OPTIONS = CelOptions.current()
            .evaluateCanonicalTypesToNativeValues(true)
            .enableHeterogeneousNumericComparisons(true)
            .enableTimestampEpoch(true)
            .maxExpressionCodePointSize(10_000)
            .comprehensionMaxIterations(100_000)
            .build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
            .build();
    private static final Pattern UNDECLARED = Pattern.compile("undeclared reference to '([^']*)'");

    private final String entity;
    private final Map<String, Optional<FeatureType>> features;
    private final Set<String> relations;
    private final CelCompiler compiler;

    /**
     * @param features the entity's features by name with their types (empty = unknown type, typed dyn)
     */
    public CelEnvironment(String entity, Map<String, Optional<FeatureType>> features) {
        this(entity, features, Set.of());
    }

    /**
     * @param features the entity's features by name with their types (empty = unknown type, typed dyn)
     * @param relations the entity's {@code has_one} relations: each is a variable whose fields are the related
     *     entity's features ({@code user.age}), read as path features ({@code transaction.user.age})
     */
    public CelEnvironment(String entity, Map<String, Optional<FeatureType>> features, Set<String> relations) {
        this.entity = requireNonNull(entity, "entity is null");
        this.features = new LinkedHashMap<>(features);
        this.relations = Set.copyOf(relations);
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addLibraries(CelExtensions.strings(), CelExtensions.math(OPTIONS))
                .addVar(NOW, SimpleType.TIMESTAMP);
        this.features.forEach((name, type) -> {
            if (!name.equals(NOW)) {
                builder.addVar(name, CelTypes.of(type));
            }
        });
        for (String relation : this.relations) {
            if (!relation.equals(NOW) && !this.features.containsKey(relation)) {
                builder.addVar(relation, MapType.create(SimpleType.STRING, SimpleType.DYN));
            }
        }
        this.compiler = builder.build();
    }

    /** One reason an expression does not compile, at a 1-based line and 0-based column of its text. */
    public record Issue(Kind kind, int line, int column, String message) {
        public Issue {
            requireNonNull(kind, "kind is null");
            requireNonNull(message, "message is null");
        }

        public enum Kind {
            /** The expression names a feature the entity does not have. */
            UNKNOWN_FEATURE,
            /** Any other compile or type error. */
            BAD_EXPRESSION
        }
    }

    /** The compiled expression, or the issues that stop it from compiling. */
    public record Result(Optional<CelExpression> expression, List<Issue> issues) {}

    /**
     * Compiles {@code text} as the expression of {@code feature} of type {@code resultType} (empty
     * when unknown: no result check).
     */
    public Result compile(FeatureId feature, String text, Optional<FeatureType> resultType) {
        return compile(feature, text, resultType, path -> Optional.empty());
    }

    /**
     * Compiles {@code text}; {@code pathTypes} gives the type of a path feature the expression reads through a
     * relation ({@code transaction.user.age}), empty when the path names nothing (then reported as unknown).
     */
    public Result compile(
            FeatureId feature,
            String text,
            Optional<FeatureType> resultType,
            Function<FeatureId, Optional<FeatureType>> pathTypes) {
        CelValidationResult result;
        try {
            result = compiler.compile(text);
        } catch (RuntimeException e) {
            return failed(new Issue(Issue.Kind.BAD_EXPRESSION, 1, 0, "does not compile: " + e.getMessage()));
        }
        if (result.hasError()) {
            List<Issue> issues = new ArrayList<>();
            for (CelIssue issue : result.getErrors()) {
                issues.add(toIssue(text, issue));
            }
            return new Result(Optional.empty(), issues);
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = result.getAst();
        } catch (CelValidationException e) {
            return failed(new Issue(Issue.Kind.BAD_EXPRESSION, 1, 0, e.getMessage()));
        }
        CelType actual = ast.getResultType();
        if (resultType.isPresent() && !CelTypes.assignable(resultType.get(), actual)) {
            return failed(new Issue(
                    Issue.Kind.BAD_EXPRESSION,
                    1,
                    0,
                    "the expression returns " + CelTypes.describe(actual) + " but " + feature + " is declared "
                            + FeatureTypes.spelling(resultType.get())));
        }
        Set<String> declared = new HashSet<>(features.keySet());
        declared.add(NOW);
        declared.addAll(relations);
        Map<Long, String> identifiers = FreeVariables.of(ast.getExpr(), declared);
        Set<String> referenced = new TreeSet<>(identifiers.values());
        List<FeatureId> dependencies = new ArrayList<>();
        Map<FeatureId, FeatureType> types = new HashMap<>();
        for (String name : features.keySet()) {
            if (referenced.contains(name)) {
                FeatureId id = new FeatureId(entity, name);
                dependencies.add(id);
                features.get(name).ifPresent(t -> types.put(id, t));
            }
        }
        if (referenced.stream().anyMatch(relations::contains)) {
            List<Issue> pathIssues = new ArrayList<>();
            for (String path : SelectPaths.of(ast.getExpr(), relations)) {
                FeatureId id = new FeatureId(entity, path);
                Optional<FeatureType> t = pathTypes.apply(id);
                if (t.isEmpty()) {
                    pathIssues.add(
                            new Issue(
                                    Issue.Kind.UNKNOWN_FEATURE,
                                    1,
                                    Math.max(0, text.indexOf(path)),
                                    "unknown feature '" + path
                                            + "': no feature " + id + " through the relations of entity " + entity
                                            + " (write relation.feature, e.g. user.age; has_many relations are read with aggregations)"));
                } else if (!dependencies.contains(id)) {
                    dependencies.add(id);
                    types.put(id, t.get());
                }
            }
            if (!pathIssues.isEmpty()) {
                return new Result(Optional.empty(), pathIssues);
            }
        }
        CelRuntime.Program program;
        try {
            program = RUNTIME.createProgram(ast);
        } catch (CelEvaluationException | RuntimeException e) {
            return failed(new Issue(Issue.Kind.BAD_EXPRESSION, 1, 0, "cannot be prepared: " + e.getMessage()));
        }
        FeatureType type = resultType.orElse(FeatureType.Scalar.STRING);
        return new Result(
                Optional.of(new CelExpression(
                        feature,
                        text,
                        type,
                        dependencies,
                        types,
                        identifiers,
                        relations,
                        program,
                        RowConditions.of(ast.getExpr(), entity, features))),
                List.of());
    }

    private static Result failed(Issue issue) {
        return new Result(Optional.empty(), List.of(issue));
    }

    private Issue toIssue(String text, CelIssue issue) {
        int line = Math.max(1, issue.getSourceLocation().getLine());
        int column = Math.max(0, issue.getSourceLocation().getColumn());
        String message = issue.getMessage();
        Matcher m = UNDECLARED.matcher(message);
        if (m.find()) {
            String name = m.group(1);
            if (isCall(text, line, column, name)) {
                String l = text.split("\n", -1)[line - 1];
                int at = column <= l.length()
                                && l.substring(0, column).stripTrailing().endsWith(name)
                        ? l.substring(0, column).stripTrailing().length() - name.length()
                        : column;
                return new Issue(
                        Issue.Kind.BAD_EXPRESSION, line, at, "unknown function '" + name + "' (" + message + ")");
            }
            String hint = Suggestions.didYouMean(name, features.keySet());
            return new Issue(
                    Issue.Kind.UNKNOWN_FEATURE,
                    line,
                    column,
                    "unknown feature '" + name + "': entity " + entity + " has no such feature" + hint
                            + " (expressions see the features of their own entity and now)");
        }
        return new Issue(Issue.Kind.BAD_EXPRESSION, line, column, message);
    }

    /**
     * True when the unknown name is called as a function: CEL then points at the opening parenthesis
     * (for a plain identifier it points at the name).
     */
    private static boolean isCall(String text, int line, int column, String name) {
        String[] lines = text.split("\n", -1);
        if (line - 1 >= lines.length || column < 0) {
            return false;
        }
        String l = lines[line - 1];
        if (column < l.length() && l.charAt(column) == '(') {
            return true;
        }
        int after = column + name.length();
        return after <= l.length()
                && l.startsWith(name, column)
                && l.substring(after).stripLeading().startsWith("(");
    }
}
