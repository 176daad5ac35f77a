import ArgumentParser
import LedgerServer

/// `--listen`: `HOST:PORT`, `[IPv6]:PORT` or `PORT`, parsed once, by the argument parser, into host and port.
struct ListenAddress: ExpressibleByArgument, Sendable {
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    init?(argument: String) {
        guard let address = ServeSettings.address(argument) else { return nil }
        (host, port) = address
    }

    var defaultValueDescription: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
