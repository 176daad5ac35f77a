/// How the pages put numbers into words.
enum Wording {
    /// `count` and the noun, singular for exactly one: "1 error", "0 errors", "2 errors".
    static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
