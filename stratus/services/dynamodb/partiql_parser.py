"""Parser of DynamoDB's PartiQL statements into a small immutable syntax tree.

    statement := select | insert | update | delete | EXISTS '(' select ')'      [';']
    select    := SELECT ('*' | path {',' path}) FROM name ['.' name] [WHERE expr]
                 [ORDER BY name [ASC|DESC] {',' ...}]
    insert    := INSERT INTO name VALUE expr
    update    := UPDATE name (SET path '=' expr {',' path '=' expr} | REMOVE path {',' path})+
                 [WHERE expr] [returning]
    delete    := DELETE FROM name [WHERE expr] [returning]
    returning := RETURNING (ALL | MODIFIED) (OLD | NEW) '*'
    expr      := or;  or := and {OR and};  and := not {AND not};  not := NOT not | predicate
    predicate := sum [op sum | [NOT] BETWEEN sum AND sum | [NOT] IN collection | IS [NOT] type]
    sum       := unary {('+' | '-') unary};  unary := '-' number | primary
    primary   := literal | '?' | '(' expr ')' | '[' ... ']' | '{' 'key': expr ... '}' | '<<' ... '>>'
                 | name '(' args ')' | path;   path := name {'.' name | '[' integer ']'}

Names are bare (not a reserved word) or double-quoted. Each `?` gets its position among the
statement's parameters, in reading order. What DynamoDB cannot run (an unknown function, a key
condition it cannot use) is refused later, by the translation; here only the shape is checked.
"""

from __future__ import annotations

from stratus.services.dynamodb.common import ValidationException
from stratus.services.dynamodb.partiql_ast import (
    And,
    Arith,
    BagLit,
    Between,
    Call,
    Compare,
    Delete,
    Exists,
    In,
    Insert,
    Is,
    ListLit,
    Not,
    Or,
    Param,
    Parsed,
    Path,
    Scalar,
    Select,
    TupleLit,
    Update,
)
from stratus.services.dynamodb.partiql_lexer import (
    EOF,
    NUMBER,
    PARAM,
    PUNCT,
    QUOTED,
    STRING,
    WORD,
    Token,
    malformed,
    tokenize,
)

# SQL-92's reserved words and PartiQL's own: bare, they are keywords, never names.
RESERVED = frozenset(
    """
    ABSOLUTE ACTION ADD ALL ALLOCATE ALTER AND ANY ARE AS ASC ASSERTION AT AUTHORIZATION AVG BEGIN
    BETWEEN BIT BIT_LENGTH BY CASCADE CASCADED CASE CAST CATALOG CHAR CHARACTER CHARACTER_LENGTH
    CHAR_LENGTH CHECK CLOSE COALESCE COLLATE COLLATION COLUMN COMMIT CONNECT CONNECTION CONSTRAINT
    CONSTRAINTS CONTINUE CONVERT CORRESPONDING COUNT CREATE CROSS CURRENT CURRENT_DATE CURRENT_TIME
    CURRENT_TIMESTAMP CURRENT_USER CURSOR DATE DAY DEALLOCATE DEC DECIMAL DECLARE DEFAULT DEFERRABLE
    DEFERRED DELETE DESC DESCRIBE DESCRIPTOR DIAGNOSTICS DISCONNECT DISTINCT DOMAIN DOUBLE DROP ELSE
    END ESCAPE EXCEPT EXCEPTION EXEC EXECUTE EXISTS EXTERNAL EXTRACT FALSE FETCH FIRST FLOAT FOR
    FOREIGN FOUND FROM FULL GET GLOBAL GO GOTO GRANT GROUP HAVING HOUR IDENTITY IMMEDIATE IN
    INDICATOR INITIALLY INNER INPUT INSENSITIVE INSERT INT INTEGER INTERSECT INTERVAL INTO IS
    ISOLATION JOIN KEY LANGUAGE LAST LEADING LEFT LEVEL LIKE LOCAL LOWER MATCH MAX MIN MINUTE MODULE
    MONTH NAMES NATIONAL NATURAL NCHAR NEXT NO NOT NULL NULLIF NUMERIC OCTET_LENGTH OF ON ONLY OPEN
    OPTION OR ORDER OUTER OUTPUT OVERLAPS PAD PARTIAL POSITION PRECISION PREPARE PRESERVE PRIMARY
    PRIOR PRIVILEGES PROCEDURE PUBLIC READ REAL REFERENCES RELATIVE RESTRICT REVOKE RIGHT ROLLBACK
    ROWS SCHEMA SCROLL SECOND SECTION SELECT SESSION SESSION_USER SET SIZE SMALLINT SOME SPACE SQL
    SQLCODE SQLERROR SQLSTATE SUBSTRING SUM SYSTEM_USER TABLE TEMPORARY THEN TIME TIMESTAMP
    TIMEZONE_HOUR TIMEZONE_MINUTE TO TRAILING TRANSACTION TRANSLATE TRIM TRUE UNION UNIQUE UNKNOWN
    UPDATE UPPER USAGE USER USING VALUE VALUES VIEW WHEN WHENEVER WHERE WITH WORK WRITE YEAR ZONE
    MISSING PIVOT UNPIVOT LIMIT TUPLE REMOVE INDEX LET CONFLICT DO NOTHING RETURNING MODIFIED NEW
    OLD
    """.split()  # noqa: SIM905 - a word list reads best as text
)
COMPARATORS = ("=", "<>", "!=", "<", "<=", ">", ">=")
RETURNING_STAR = "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause"


# -- parser -----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.parameters = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != EOF:
            self.index += 1
        return token

    def unexpected(self) -> ValidationException:
        token = self.token
        if token.kind == EOF:
            return malformed("Unexpected end of statement")  # wording guessed
        return malformed(f"Unexpected token: {token.shown()}")  # wording guessed

    def accept_word(self, *words: str) -> bool:
        if self.token.is_word(*words):
            self.index += 1
            return True
        return False

    def expect_word(self, word: str) -> None:
        if not self.accept_word(word):
            raise self.unexpected()

    def accept_punct(self, mark: str) -> bool:
        if self.token.is_punct(mark):
            self.index += 1
            return True
        return False

    def expect_punct(self, mark: str) -> None:
        if not self.accept_punct(mark):
            raise self.unexpected()

    def name(self) -> str:
        token = self.token
        if token.kind == QUOTED or (token.kind == WORD and token.text.upper() not in RESERVED):
            self.index += 1
            return token.text
        raise self.unexpected()

    # -- statements -----------------------------------------------------------------------------

    def statement(self) -> object:
        token = self.token
        if token.is_word("SELECT"):
            found: object = self.select()
        elif token.is_word("INSERT"):
            found = self.insert()
        elif token.is_word("UPDATE"):
            found = self.update()
        elif token.is_word("DELETE"):
            found = self.delete()
        elif token.is_word("EXISTS") and self.tokens[self.index + 1].is_punct("("):
            self.index += 2
            select = self.select()
            self.expect_punct(")")
            found = Exists(select)
        else:
            raise malformed("Expected data manipulation")
        self.accept_punct(";")
        if self.token.kind != EOF:
            raise malformed("Unexpected token after expression")
        return found

    def source(self) -> tuple[str, str | None]:
        table = self.name()
        index = self.name() if self.accept_punct(".") else None
        if self.token.is_punct("."):
            raise ValidationException("A path may contain at most 2 components in the FROM clause")
        if (
            self.token.is_word("AS")
            or self.token.kind == QUOTED
            or (self.token.kind == WORD and self.token.text.upper() not in RESERVED)
        ):
            raise ValidationException("Aliasing is not supported")
        return table, index

    def select(self) -> Select:
        self.expect_word("SELECT")
        if self.token.is_word("DISTINCT"):
            raise ValidationException("Unsupported token in expression: DISTINCT")
        projection: tuple[Path, ...] | None = None
        if self.accept_punct("*"):
            if self.token.is_punct(","):
                raise ValidationException(
                    "Other attributes should not be present in the projection when '*' is used."
                )
        else:
            paths = [self.path()]
            while self.accept_punct(","):
                paths.append(self.path())
            if self.token.is_word("AS"):
                raise ValidationException("Aliasing is not supported")
            projection = tuple(paths)
        self.expect_word("FROM")
        table, index = self.source()
        where = self.expr() if self.accept_word("WHERE") else None
        for clause in ("GROUP", "HAVING", "LIMIT"):
            if self.token.is_word(clause):
                raise ValidationException(
                    f"Unsupported clause: {'GROUP BY' if clause == 'GROUP' else clause}"
                )
        order: list[tuple[str, bool]] = []
        if self.accept_word("ORDER"):
            self.expect_word("BY")
            while True:
                name = self.name()
                descending = self.token.is_word("DESC")
                self.accept_word("ASC", "DESC")
                order.append((name, descending))
                if not self.accept_punct(","):
                    break
        return Select(projection, table, index, where, tuple(order))

    def insert(self) -> Insert:
        self.expect_word("INSERT")
        self.expect_word("INTO")
        table = self.name()
        if self.token.is_punct("."):
            raise ValidationException(
                "FROM clause may only contain a single table name in data manipulation statements"
            )
        if self.token.is_punct("<<"):
            raise ValidationException(
                "Unsupported operation: Inserting multiple items in a single statement is not supported, "
                'use "INSERT INTO tableName VALUE item" instead'
            )
        self.expect_word("VALUE")
        value = self.expr()
        if self.token.is_word("RETURNING"):
            raise ValidationException("RETURNING is not supported in INSERT")
        return Insert(table, value)

    def update(self) -> Update:
        self.expect_word("UPDATE")
        table = self.name()
        if self.token.is_punct("."):
            raise ValidationException("This operation is not supported on an index")
        sets: list[tuple[Path, object]] = []
        removes: list[Path] = []
        while self.token.is_word("SET", "REMOVE"):
            if self.advance().text.upper() == "SET":
                while True:
                    target = self.path()
                    self.expect_punct("=")
                    sets.append((target, self.expr()))
                    if not self.accept_punct(","):
                        break
            else:
                removes.append(self.path())
                while self.accept_punct(","):
                    removes.append(self.path())
        if not sets and not removes:
            raise self.unexpected()
        where = self.expr() if self.accept_word("WHERE") else None
        return Update(table, tuple(sets), tuple(removes), where, self.returning())

    def delete(self) -> Delete:
        self.expect_word("DELETE")
        self.expect_word("FROM")
        table = self.name()
        if self.token.is_punct("."):
            raise ValidationException("This operation is not supported on an index")
        where = self.expr() if self.accept_word("WHERE") else None
        return Delete(table, where, self.returning())

    def returning(self) -> str | None:
        if not self.accept_word("RETURNING"):
            return None
        if not self.token.is_word("ALL", "MODIFIED"):
            raise self.unexpected()
        scope = self.advance().text.upper()
        if not self.token.is_word("OLD", "NEW"):
            raise self.unexpected()
        age = self.advance().text.upper()
        if self.accept_punct("*"):
            if self.token.is_punct(","):
                raise ValidationException(
                    "Other attributes should not be present in the projection when '*' is used."
                )
        else:
            raise ValidationException(RETURNING_STAR)
        if self.token.is_punct(","):
            raise ValidationException("Invalid syntax with multiple returning elements in RETURNING clause")
        return ("ALL_" if scope == "ALL" else "UPDATED_") + age

    # -- expressions ----------------------------------------------------------------------------

    def expr(self) -> object:
        left = self.conjunction()
        while self.accept_word("OR"):
            left = Or(left, self.conjunction())
        return left

    def conjunction(self) -> object:
        left = self.negation()
        while self.accept_word("AND"):
            left = And(left, self.negation())
        return left

    def negation(self) -> object:
        if self.accept_word("NOT"):
            return Not(self.negation())
        return self.predicate()

    def predicate(self) -> object:
        subject = self.sum()
        token = self.token
        if token.kind == PUNCT and token.text in COMPARATORS:
            self.index += 1
            operator = "<>" if token.text == "!=" else token.text
            return Compare(operator, subject, self.sum())
        negated = token.is_word("NOT") and self.tokens[self.index + 1].is_word("BETWEEN", "IN")
        if negated:
            self.index += 1
        if self.accept_word("BETWEEN"):
            low = self.sum()
            self.expect_word("AND")
            found: object = Between(subject, low, self.sum())
            return Not(found) if negated else found
        if self.accept_word("IN"):
            found = In(subject, self.in_options())
            return Not(found) if negated else found
        if self.accept_word("IS"):
            is_not = self.accept_word("NOT")
            if self.token.kind != WORD:
                raise self.unexpected()
            return Is(subject, self.advance().text.upper(), is_not)
        return subject

    def in_options(self) -> tuple:
        closing = "]" if self.accept_punct("[") else ")" if self.accept_punct("(") else None
        if closing is None:
            raise self.unexpected()
        options = [self.sum()]
        while self.accept_punct(","):
            options.append(self.sum())
        self.expect_punct(closing)
        return tuple(options)

    def sum(self) -> object:
        left = self.unary()
        while self.token.is_punct("+", "-"):
            operator = self.advance().text
            left = Arith(operator, left, self.unary())
        return left

    def unary(self) -> object:
        if self.token.is_punct("-") and self.tokens[self.index + 1].kind == NUMBER:
            self.index += 1
            return Scalar("N", "-" + self.advance().text)
        return self.primary()

    def primary(self) -> object:
        token = self.token
        if token.kind == STRING:
            self.index += 1
            return Scalar("S", token.text)
        if token.kind == NUMBER:
            self.index += 1
            return Scalar("N", token.text)
        if token.kind == PARAM:
            self.index += 1
            self.parameters += 1
            return Param(self.parameters - 1)
        if token.is_word("TRUE", "FALSE"):
            self.index += 1
            return Scalar("BOOL", token.text.lower())
        if token.is_word("NULL", "MISSING"):
            self.index += 1
            return Scalar(token.text.upper())
        if self.accept_punct("("):
            inner = self.expr()
            self.expect_punct(")")
            return inner
        if self.accept_punct("["):
            return ListLit(self.items("]"))
        if self.accept_punct("<<"):
            return BagLit(self.items(">>"))
        if self.accept_punct("{"):
            return self.tuple_literal()
        if token.kind == WORD and self.tokens[self.index + 1].is_punct("("):
            self.index += 2
            args = self.items(")")
            return Call(token.text.lower(), args)
        return self.path()

    def items(self, closing: str) -> tuple:
        found: list[object] = []
        if self.accept_punct(closing):
            return ()
        while True:
            found.append(self.expr())
            if self.accept_punct(closing):
                return tuple(found)
            self.expect_punct(",")

    def tuple_literal(self) -> TupleLit:
        fields: list[tuple[str, object]] = []
        if self.accept_punct("}"):
            return TupleLit(())
        while True:
            if self.token.kind != STRING:
                raise self.unexpected()
            key = self.advance().text
            self.expect_punct(":")
            fields.append((key, self.expr()))
            if self.accept_punct("}"):
                return TupleLit(tuple(fields))
            self.expect_punct(",")

    def path(self) -> Path:
        steps: list[str | int] = [self.name()]
        while True:
            if self.accept_punct("."):
                steps.append(self.name())
            elif self.token.is_punct("["):
                self.index += 1
                token = self.token
                if token.kind != NUMBER or not token.text.isdigit():
                    raise self.unexpected()
                self.index += 1
                steps.append(int(token.text))
                self.expect_punct("]")
            else:
                return Path(tuple(steps))


def parse_statement(text: str) -> Parsed:
    """The syntax tree of one statement; ValidationException when it is not well formed."""
    parser = _Parser(text)
    statement = parser.statement()
    return Parsed(statement, parser.parameters)
