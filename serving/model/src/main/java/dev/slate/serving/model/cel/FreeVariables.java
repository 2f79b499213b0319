package dev.slate.serving.model.cel;

import dev.cel.common.ast.CelExpr;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The free variables of a CEL expression: identifiers not bound by a comprehension (macros such as
 * {@code list.map(x, ...)} bind {@code x}), by expression id. These are the inputs the expression
 * really reads.
 */
final class FreeVariables {
    private final Set<String> declared;
    private final Map<Long, String> found = new HashMap<>();

    private FreeVariables(Set<String> declared) {
        this.declared = declared;
    }

    /** Free identifiers of {@code root} that are among {@code declared}, by expression id. */
    static Map<Long, String> of(CelExpr root, Set<String> declared) {
        FreeVariables walker = new FreeVariables(declared);
        walker.visit(root, Set.of());
        return walker.found;
    }

    private void visit(CelExpr expr, Set<String> bound) {
        switch (expr.getKind()) {
            case IDENT -> {
                String name = expr.ident().name();
                if (!bound.contains(name) && declared.contains(name)) {
                    found.put(expr.id(), name);
                }
            }
            case SELECT -> visit(expr.select().operand(), bound);
            case CALL -> {
                expr.call().target().ifPresent(t -> visit(t, bound));
                expr.call().args().forEach(a -> visit(a, bound));
            }
            case LIST -> expr.list().elements().forEach(e -> visit(e, bound));
            case MAP ->
                expr.map().entries().forEach(e -> {
                    visit(e.key(), bound);
                    visit(e.value(), bound);
                });
            case STRUCT -> expr.struct().entries().forEach(e -> visit(e.value(), bound));
            case COMPREHENSION -> {
                CelExpr.CelComprehension c = expr.comprehension();
                visit(c.iterRange(), bound);
                visit(c.accuInit(), bound);
                Set<String> inner = new HashSet<>(bound);
                inner.add(c.iterVar());
                if (!c.iterVar2().isEmpty()) {
                    inner.add(c.iterVar2());
                }
                inner.add(c.accuVar());
                visit(c.loopCondition(), inner);
                visit(c.loopStep(), inner);
                Set<String> result = new HashSet<>(bound);
                result.add(c.accuVar());
                visit(c.result(), result);
            }
            default -> {
                // constants and unset nodes read nothing
            }
        }
    }
}
