package dev.slate.serving.model.cel;

import dev.cel.common.ast.CelExpr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The field paths an expression reads from relation variables: {@code user.age} and
 * {@code user.account.balance} (the longest chain of field selections on the variable).
 */
final class SelectPaths {
    private SelectPaths() {}

    static Set<String> of(CelExpr root, Set<String> relations) {
        Set<String> out = new LinkedHashSet<>();
        visit(root, relations, out);
        return out;
    }

    private static void visit(CelExpr expr, Set<String> relations, Set<String> out) {
        switch (expr.getKind()) {
            case SELECT -> {
                List<String> fields = new ArrayList<>();
                CelExpr e = expr;
                while (e.getKind() == CelExpr.ExprKind.Kind.SELECT) {
                    fields.addFirst(e.select().field());
                    e = e.select().operand();
                }
                if (e.getKind() == CelExpr.ExprKind.Kind.IDENT
                        && relations.contains(e.ident().name())
                        && !fields.isEmpty()) {
                    out.add(e.ident().name() + "." + String.join(".", fields));
                    return;
                }
                visit(expr.select().operand(), relations, out);
            }
            case CALL -> {
                expr.call().target().ifPresent(t -> visit(t, relations, out));
                expr.call().args().forEach(a -> visit(a, relations, out));
            }
            case LIST -> expr.list().elements().forEach(e -> visit(e, relations, out));
            case MAP ->
                expr.map().entries().forEach(e -> {
                    visit(e.key(), relations, out);
                    visit(e.value(), relations, out);
                });
            case STRUCT -> expr.struct().entries().forEach(e -> visit(e.value(), relations, out));
            case COMPREHENSION -> {
                CelExpr.CelComprehension c = expr.comprehension();
                visit(c.iterRange(), relations, out);
                visit(c.accuInit(), relations, out);
                visit(c.loopCondition(), relations, out);
                visit(c.loopStep(), relations, out);
                visit(c.result(), relations, out);
            }
            default -> {
                // identifiers alone, constants
            }
        }
    }
}
