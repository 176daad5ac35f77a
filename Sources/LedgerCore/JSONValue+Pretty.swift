extension JSONValue {
    /// The value as indented JSON for people to read (two spaces a level), members in their order and numbers as
    /// their exact token text, as ``jsonText`` writes them.
    public func prettyText() -> String {
        var output = ""
        writePretty(to: &output, indent: "")
        return output
    }

    private func writePretty(to output: inout String, indent: String) {
        let inner = indent + "  "
        switch self {
        case .array(let elements) where !elements.isEmpty:
            output += "[\n"
            for (position, element) in elements.enumerated() {
                output += inner
                element.writePretty(to: &output, indent: inner)
                output += position < elements.count - 1 ? ",\n" : "\n"
            }
            output += indent + "]"
        case .object(let object) where !object.members.isEmpty:
            output += "{\n"
            for (position, member) in object.members.enumerated() {
                output += inner
                Self.writeString(member.key, to: &output)
                output += ": "
                member.value.writePretty(to: &output, indent: inner)
                output += position < object.members.count - 1 ? ",\n" : "\n"
            }
            output += indent + "}"
        default:
            output += jsonText
        }
    }
}
