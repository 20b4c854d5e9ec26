package dev.cordon.cli.sdk;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** One test of pytest's junit-xml report: its file (module name), its name, how it ended and why. */
record JunitCase(String file, String name, Outcome outcome, String detail) {
    enum Outcome { PASSED, FAILED, ERROR, SKIPPED }

    /** Reads {@code --junitxml} output; the file is the last part of pytest's dotted classname. */
    static List<JunitCase> read(Path report) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        NodeList cases = f.newDocumentBuilder().parse(report.toFile()).getElementsByTagName("testcase");
        List<JunitCase> out = new ArrayList<>();
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            String cls = c.getAttribute("classname");
            String file = cls.substring(cls.lastIndexOf('.') + 1);
            Outcome outcome = Outcome.PASSED;
            StringBuilder detail = new StringBuilder();
            for (Node n = c.getFirstChild(); n != null; n = n.getNextSibling()) {
                if (!(n instanceof Element e)) continue;
                Outcome o = switch (e.getTagName()) {
                    case "failure" -> Outcome.FAILED;
                    case "error" -> Outcome.ERROR;
                    case "skipped" -> Outcome.SKIPPED;
                    default -> null;
                };
                if (o == null) continue;
                // an error in teardown after a failure keeps the failure as the outcome
                if (outcome == Outcome.PASSED || o == Outcome.FAILED) outcome = o;
                detail.append(e.getAttribute("message")).append('\n').append(e.getTextContent()).append('\n');
            }
            out.add(new JunitCase(file, c.getAttribute("name"), outcome, detail.toString().strip()));
        }
        return out;
    }
}
