import LedgerCore
import LedgerPostgres
import LedgerStore
import Testing

/// The store URL, as libpq spells it: what is accepted, and errors that name the part that is wrong without ever
/// repeating a password.
@Suite struct PostgresLocationTests {
    @Test func parsesTheURLAsLibpqSpellsIt() throws {
        let location = try PostgresLocation(
            url: "postgresql://ledger@db.example.com:6543/books?sslmode=verify-full", password: Secret("pw"))
        #expect(location.host == "db.example.com")
        #expect(location.port == 6543)
        #expect(location.user == "ledger")
        #expect(location.database == "books")
        #expect(location.tls == .verifyFull)
        #expect(location.password?.reveal() == "pw")
        #expect(location.description == "postgresql://ledger@db.example.com:6543/books")

        let defaults = try PostgresLocation(url: "postgres://ledger@localhost/books")
        #expect(defaults.port == 5432)
        #expect(defaults.tls == .prefer)

        let socket = try PostgresLocation(url: "postgresql://ledger@/books?host=/var/run/postgresql")
        #expect(socket.host == nil)
        #expect(socket.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test(arguments: [
        ("mysql://ledger@host/books", "postgresql://user@host:5432/database"),
        ("postgresql://host/books", "no user"),
        ("postgresql://ledger@host/", "no database"),
        ("postgresql://ledger@host/books?sslmode=sometimes", "sslmode 'sometimes' is not one of"),
        ("postgresql://ledger@host/books?connect_timeout=3", "'connect_timeout' is not supported"),
        ("postgresql://ledger@/books", "no host"),
        ("postgresql://ledger@/books?host=relative", "socket directory"),
    ])
    func refusesWhatItCannotUse(url: String, expected: String) {
        #expect {
            _ = try PostgresLocation(url: url)
        } throws: { error in
            guard let error = error as? StoreError, case .invalidLocation = error.code else { return false }
            return error.description.contains(expected) && error.description.contains("cannot be used")
        }
    }

    @Test func aPasswordInTheURLIsRefusedAndNeverRepeated() {
        #expect {
            _ = try PostgresLocation(url: "postgresql://ledger:hunter2@host/books")
        } throws: { error in
            let text = "\(error)"
            return text.contains("password_env") && text.contains("postgresql://ledger@host/books (password removed)")
                && !text.contains("hunter2")
        }
    }
}
