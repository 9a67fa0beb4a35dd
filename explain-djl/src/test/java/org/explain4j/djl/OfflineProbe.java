package org.explain4j.djl;

import org.explain4j.ExplainException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Run in a child JVM by {@link OfflineTest}: records every URL the process tries to open (by
 * installing a proxy selector that sends all traffic to a dead local port), runs one scenario,
 * and prints {@code RESULT ...} lines for the test to read.
 *
 * <p>Scenarios: {@code pytorch FILE.pt} opens a TorchScript model; {@code ort-first FILE.onnx}
 * starts ONNX Runtime directly, then opens the model on DJL's ONNX Runtime engine;
 * {@code both FILE.onnx} opens it on DJL's ONNX Runtime engine, then on the ort backend.
 */
public final class OfflineProbe {

    private static final List<String> REQUESTED = new CopyOnWriteArrayList<>();

    private OfflineProbe() {
    }

    public static void main(String[] args) {
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                REQUESTED.add(uri.toString());
                return List.of(new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", 9)));
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException e) {
                // expected: nothing listens on the dead port
            }
        });
        try {
            switch (args[0]) {
                case "pytorch" -> DjlModel.openTorchScript(Path.of(args[1])).close();
                case "both" -> {
                    DjlModel.openOnnx(Path.of(args[1])).close();
                    org.explain4j.onnx.OrtModel.open(Path.of(args[1])).close();
                }
                case "ort-first" -> {
                    ai.onnxruntime.OrtEnvironment.getEnvironment();
                    DjlModel.openOnnx(Path.of(args[1])).close();
                }
                default -> throw new IllegalArgumentException("unknown scenario " + args[0]);
            }
            System.out.println("RESULT ok");
        } catch (ExplainException e) {
            System.out.println("RESULT error " + e.getMessage());
        } catch (Throwable t) {
            System.out.println("RESULT unexpected " + t);
        }
        REQUESTED.forEach(u -> System.out.println("RESULT network " + u));
        System.exit(0);
    }
}
