// Runs SPARQL queries on Apache Jena's ARQ engine over a TDB2 dataset with a union default graph:
// the engine, store and dataset setting of a Fuseki server (tdb2:unionDefaultGraph true), without
// its HTTP layer. Run as a source file (java -cp JENA_JARS RunQueries.java DATA Q1.rq Q2.rq ...):
// DATA (N-Quads) is loaded once, and each query's answer is written beside it, Qn.rq.out, as SPARQL
// JSON results (SELECT, ASK) or N-Triples (CONSTRUCT, DESCRIBE). Used by tests/test_jena.py.
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.jena.query.Dataset;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryExecutionFactory;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetFormatter;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.system.Txn;
import org.apache.jena.tdb2.TDB2;
import org.apache.jena.tdb2.TDB2Factory;

public class RunQueries {
    public static void main(String[] args) throws IOException {
        Dataset ds = TDB2Factory.createDataset();
        ds.getContext().set(TDB2.symUnionDefaultGraph, true);
        Txn.executeWrite(ds, () -> RDFDataMgr.read(ds, args[0]));
        for (int i = 1; i < args.length; i++) {
            String file = args[i];
            Query query = QueryFactory.create(Files.readString(Path.of(file)));
            Txn.executeRead(ds, () -> {
                try (QueryExecution qe = QueryExecutionFactory.create(query, ds);
                     OutputStream out = new FileOutputStream(file + ".out")) {
                    if (query.isSelectType()) {
                        ResultSetFormatter.outputAsJSON(out, qe.execSelect());
                    } else if (query.isAskType()) {
                        ResultSetFormatter.outputAsJSON(out, qe.execAsk());
                    } else {
                        RDFDataMgr.write(out, query.isConstructType() ? qe.execConstruct() : qe.execDescribe(), Lang.NTRIPLES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
