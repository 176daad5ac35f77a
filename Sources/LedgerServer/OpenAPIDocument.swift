/// The OpenAPI 3.1 document of `/api/v1`, served at `/api/v1/openapi.json`. Generated with `docs/openapi.json`
/// by `Tools/openapi/make_openapi.py`; a test keeps the two equal.
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "LedgerSync serve API",
            "version": "1",
            "description": "Read-only answers from the local ledger, and a sync on demand. Amounts are exact decimal strings with their unit and scale; /metrics (Prometheus text) is outside this document."
          },
          "servers": [
            {
              "url": "http://127.0.0.1:8080"
            }
          ],
          "security": [
            {
              "bearer": []
            },
            {}
          ],
          "paths": {
            "/api/v1/balances": {
              "get": {
                "operationId": "balances",
                "summary": "Each account's balance as of an instant on each time axis.",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "as_of",
                    "in": "query",
                    "description": "The valid-time instant: when it was true at the source.",
                    "schema": {
                      "type": "string",
                      "format": "date-time",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "recorded_as_of",
                    "in": "query",
                    "description": "The recorded-time instant: what the ledger knew then.",
                    "schema": {
                      "type": "string",
                      "format": "date-time",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "description": "The most rows on a page.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000,
                      "default": 100
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "description": "The `next_after` of the previous page (keyset paging).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query balances --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "properties": {
                                  "source": {
                                    "type": "string"
                                  },
                                  "kind": {
                                    "type": "string"
                                  },
                                  "account": {
                                    "type": "string"
                                  },
                                  "name": {
                                    "type": [
                                      "string",
                                      "null"
                                    ]
                                  },
                                  "state": {
                                    "type": "string",
                                    "enum": [
                                      "present",
                                      "gone"
                                    ]
                                  },
                                  "unit": {
                                    "type": [
                                      "string",
                                      "null"
                                    ]
                                  },
                                  "available_balance": {
                                    "description": "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
                                    "oneOf": [
                                      {
                                        "type": "null"
                                      },
                                      {
                                        "type": "object",
                                        "required": [
                                          "amount",
                                          "unit",
                                          "scale"
                                        ],
                                        "properties": {
                                          "amount": {
                                            "type": "string",
                                            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
                                          },
                                          "unit": {
                                            "type": "string"
                                          },
                                          "scale": {
                                            "type": "integer",
                                            "minimum": 0,
                                            "maximum": 9
                                          }
                                        }
                                      }
                                    ]
                                  },
                                  "credit_limit": {
                                    "description": "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
                                    "oneOf": [
                                      {
                                        "type": "null"
                                      },
                                      {
                                        "type": "object",
                                        "required": [
                                          "amount",
                                          "unit",
                                          "scale"
                                        ],
                                        "properties": {
                                          "amount": {
                                            "type": "string",
                                            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
                                          },
                                          "unit": {
                                            "type": "string"
                                          },
                                          "scale": {
                                            "type": "integer",
                                            "minimum": 0,
                                            "maximum": 9
                                          }
                                        }
                                      }
                                    ]
                                  },
                                  "used": {
                                    "description": "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
                                    "oneOf": [
                                      {
                                        "type": "null"
                                      },
                                      {
                                        "type": "object",
                                        "required": [
                                          "amount",
                                          "unit",
                                          "scale"
                                        ],
                                        "properties": {
                                          "amount": {
                                            "type": "string",
                                            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
                                          },
                                          "unit": {
                                            "type": "string"
                                          },
                                          "scale": {
                                            "type": "integer",
                                            "minimum": 0,
                                            "maximum": 9
                                          }
                                        }
                                      }
                                    ]
                                  },
                                  "frozen": {
                                    "description": "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
                                    "oneOf": [
                                      {
                                        "type": "null"
                                      },
                                      {
                                        "type": "object",
                                        "required": [
                                          "amount",
                                          "unit",
                                          "scale"
                                        ],
                                        "properties": {
                                          "amount": {
                                            "type": "string",
                                            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
                                          },
                                          "unit": {
                                            "type": "string"
                                          },
                                          "scale": {
                                            "type": "integer",
                                            "minimum": 0,
                                            "maximum": 9
                                          }
                                        }
                                      }
                                    ]
                                  },
                                  "total_available": {
                                    "description": "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
                                    "oneOf": [
                                      {
                                        "type": "null"
                                      },
                                      {
                                        "type": "object",
                                        "required": [
                                          "amount",
                                          "unit",
                                          "scale"
                                        ],
                                        "properties": {
                                          "amount": {
                                            "type": "string",
                                            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
                                          },
                                          "unit": {
                                            "type": "string"
                                          },
                                          "scale": {
                                            "type": "integer",
                                            "minimum": 0,
                                            "maximum": 9
                                          }
                                        }
                                      }
                                    ]
                                  },
                                  "overdue": {
                                    "description": "An exact amount: digits as a string (never a float), its unit, and its scale (digits after the point).",
                                    "oneOf": [
                                      {
                                        "type": "null"
                                      },
                                      {
                                        "type": "object",
                                        "required": [
                                          "amount",
                                          "unit",
                                          "scale"
                                        ],
                                        "properties": {
                                          "amount": {
                                            "type": "string",
                                            "pattern": "^-?[0-9]+(\\.[0-9]+)?$"
                                          },
                                          "unit": {
                                            "type": "string"
                                          },
                                          "scale": {
                                            "type": "integer",
                                            "minimum": 0,
                                            "maximum": 9
                                          }
                                        }
                                      }
                                    ]
                                  },
                                  "valid_from": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "valid_to": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "recorded_at": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "superseded_at": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "source_modified_at": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "observed_at": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "flagged": {
                                    "type": "boolean"
                                  },
                                  "version_id": {
                                    "type": "integer"
                                  },
                                  "run_id": {
                                    "type": [
                                      "integer",
                                      "null"
                                    ]
                                  }
                                },
                                "required": [
                                  "source",
                                  "kind",
                                  "account",
                                  "name",
                                  "state",
                                  "unit",
                                  "available_balance",
                                  "credit_limit",
                                  "used",
                                  "frozen",
                                  "total_available",
                                  "overdue",
                                  "valid_from",
                                  "valid_to",
                                  "recorded_at",
                                  "superseded_at",
                                  "source_modified_at",
                                  "observed_at",
                                  "flagged",
                                  "version_id",
                                  "run_id"
                                ]
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/history": {
              "get": {
                "operationId": "history",
                "summary": "Every version of the selected accounts, oldest first.",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "description": "The start of the window (inclusive): a date or an instant.",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "description": "The end of the window (exclusive).",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "include_superseded",
                    "in": "query",
                    "description": "Also rows that later knowledge replaced.",
                    "schema": {
                      "type": "boolean"
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "description": "The most rows on a page.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000,
                      "default": 100
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "description": "The `next_after` of the previous page (keyset paging).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query history --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/changes": {
              "get": {
                "operationId": "changes",
                "summary": "Versions that started in a window, beside the ones they followed.",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "description": "The start of the window (inclusive): a date or an instant.",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "description": "The end of the window (exclusive).",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "axis",
                    "in": "query",
                    "description": "The time axis of the window.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "valid",
                        "recorded"
                      ]
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "description": "The most rows on a page.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000,
                      "default": 100
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "description": "The `next_after` of the previous page (keyset paging).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query changes --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/conflicts": {
              "get": {
                "operationId": "conflicts",
                "summary": "The gmtModified conflicts the sync met, with both contents.",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "description": "The start of the window (inclusive): a date or an instant.",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "description": "The end of the window (exclusive).",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "conflict_kind",
                    "in": "query",
                    "description": "Only conflicts of this kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "late_arrival",
                          "stale",
                          "same_timestamp_different_content",
                          "clock_skew"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "description": "The most rows on a page.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000,
                      "default": 100
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "description": "The `next_after` of the previous page (keyset paging).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query conflicts --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/runs": {
              "get": {
                "operationId": "runs",
                "summary": "Sync runs, newest first, with their counts per source.",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "description": "The start of the window (inclusive): a date or an instant.",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "description": "The end of the window (exclusive).",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "description": "The most rows on a page.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000,
                      "default": 100
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "description": "The `next_after` of the previous page (keyset paging).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query runs --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/errors": {
              "get": {
                "operationId": "errors",
                "summary": "Failed fetches and quarantined payloads.",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "description": "The start of the window (inclusive): a date or an instant.",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "description": "The end of the window (exclusive).",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "run",
                    "in": "query",
                    "description": "Only those of this run.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "description": "The most rows on a page.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000,
                      "default": 100
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "description": "The `next_after` of the previous page (keyset paging).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query errors --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/movements": {
              "get": {
                "operationId": "movements",
                "summary": "ModelRouter balance-log entries.",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "description": "The start of the window (inclusive): a date or an instant.",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "description": "The end of the window (exclusive).",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "description": "The most rows on a page.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 10000,
                      "default": 100
                    }
                  },
                  {
                    "name": "after",
                    "in": "query",
                    "description": "The `next_after` of the previous page (keyset paging).",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query movements --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/totals": {
              "get": {
                "operationId": "totals",
                "summary": "Available balance summed per source and unit (never across units).",
                "parameters": [
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "as_of",
                    "in": "query",
                    "description": "The valid-time instant: when it was true at the source.",
                    "schema": {
                      "type": "string",
                      "format": "date-time",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "recorded_as_of",
                    "in": "query",
                    "description": "The recorded-time instant: what the ledger knew then.",
                    "schema": {
                      "type": "string",
                      "format": "date-time",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page of rows, shaped as `ledgersync query totals --format json` prints them.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "rows",
                            "next_after"
                          ],
                          "properties": {
                            "rows": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            },
                            "next_after": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "The `after` of the next page; null on the last."
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/reconciliation": {
              "get": {
                "operationId": "reconciliation",
                "summary": "The reconciliation summary and exceptions of a period, as `ledgersync check --json` gives them.",
                "parameters": [
                  {
                    "name": "from",
                    "in": "query",
                    "description": "The start of the window (inclusive): a date or an instant.",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "description": "The end of the window (exclusive).",
                    "schema": {
                      "type": "string",
                      "format": "date",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "tz",
                    "in": "query",
                    "description": "The zone of times given and shown: UTC, +08:00 or Asia/Taipei.",
                    "schema": {
                      "type": "string",
                      "default": "UTC",
                      "enum": [
                        "UTC",
                        "+08:00",
                        "-05:00",
                        "Asia/Taipei",
                        "Asia/Shanghai"
                      ]
                    }
                  },
                  {
                    "name": "source",
                    "in": "query",
                    "description": "A source instance name. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "description": "A source kind. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "enum": [
                          "modelrouter",
                          "dms_credit",
                          "twcc_wallet"
                        ]
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "account",
                    "in": "query",
                    "description": "An account key such as 17, 101:2 or MST123456/W0001. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "name",
                    "in": "query",
                    "description": "Accounts whose key or name matches this pattern (* and ?), case-insensitive.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  },
                  {
                    "name": "unit",
                    "in": "query",
                    "description": "A unit such as CNY, tokens or SU. Repeatable.",
                    "schema": {
                      "type": "array",
                      "items": {
                        "type": "string",
                        "minLength": 1
                      }
                    },
                    "style": "form",
                    "explode": true
                  },
                  {
                    "name": "stale_after",
                    "in": "query",
                    "description": "Hours without fresh data before STALE.",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "default": 36
                    }
                  },
                  {
                    "name": "tolerance",
                    "in": "query",
                    "description": "RULE=AMOUNT: a difference allowed for a rule.",
                    "schema": {
                      "type": "string",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The summary and every exception.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "schema",
                            "clean",
                            "summary",
                            "exceptions"
                          ],
                          "properties": {
                            "schema": {
                              "type": "string"
                            },
                            "clean": {
                              "type": "boolean"
                            },
                            "summary": {
                              "type": "object"
                            },
                            "exceptions": {
                              "type": "array"
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/status": {
              "get": {
                "operationId": "status",
                "summary": "The scheduler's state.",
                "responses": {
                  "200": {
                    "description": "Whether a sync runs, when the next is due, failures in a row.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "sync_running",
                            "next_sync_at",
                            "consecutive_failures",
                            "last_outcome",
                            "sync_every_seconds"
                          ],
                          "properties": {
                            "sync_running": {
                              "type": "boolean"
                            },
                            "next_sync_at": {
                              "type": [
                                "string",
                                "null"
                              ],
                              "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                            },
                            "consecutive_failures": {
                              "type": "integer"
                            },
                            "last_outcome": {
                              "type": [
                                "string",
                                "null"
                              ]
                            },
                            "sync_every_seconds": {
                              "type": "integer"
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/alerts": {
              "get": {
                "operationId": "alerts",
                "summary": "Alerts firing now, and those resolved since an instant (default: 7 days ago).",
                "parameters": [
                  {
                    "name": "resolved_since",
                    "in": "query",
                    "description": "Also alerts resolved since this instant.",
                    "schema": {
                      "type": "string",
                      "format": "date-time",
                      "minLength": 1
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The alerts, newest first.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "alerts"
                          ],
                          "properties": {
                            "alerts": {
                              "type": "array",
                              "items": {
                                "type": "object",
                                "required": [
                                  "id",
                                  "rule",
                                  "kind",
                                  "subject",
                                  "state",
                                  "firing_since",
                                  "resolved_at",
                                  "message",
                                  "figures"
                                ],
                                "properties": {
                                  "id": {
                                    "type": "integer"
                                  },
                                  "rule": {
                                    "type": "string"
                                  },
                                  "kind": {
                                    "type": "string",
                                    "enum": [
                                      "balance_below",
                                      "credit_ending",
                                      "stale",
                                      "sync_failing",
                                      "new_conflict"
                                    ]
                                  },
                                  "subject": {
                                    "type": "string"
                                  },
                                  "source": {
                                    "type": [
                                      "string",
                                      "null"
                                    ]
                                  },
                                  "account": {
                                    "type": [
                                      "string",
                                      "null"
                                    ]
                                  },
                                  "state": {
                                    "type": "string",
                                    "enum": [
                                      "firing",
                                      "resolved"
                                    ]
                                  },
                                  "firing_since": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "resolved_at": {
                                    "type": [
                                      "string",
                                      "null"
                                    ],
                                    "description": "An instant, ISO 8601 in the zone asked (UTC by default)."
                                  },
                                  "message": {
                                    "type": "string"
                                  },
                                  "figures": {}
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/api/v1/sync": {
              "post": {
                "operationId": "syncNow",
                "summary": "Asks for a sync now (a token is required).",
                "responses": {
                  "202": {
                    "description": "The sync starts.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "properties": {
                            "sync": {
                              "type": "string"
                            }
                          }
                        }
                      }
                    }
                  },
                  "401": {
                    "$ref": "#/components/responses/Error"
                  },
                  "403": {
                    "$ref": "#/components/responses/Error"
                  },
                  "409": {
                    "$ref": "#/components/responses/Error"
                  },
                  "413": {
                    "$ref": "#/components/responses/Error"
                  },
                  "429": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            }
          },
          "components": {
            "securitySchemes": {
              "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "Required when serve has --token-env."
              }
            },
            "responses": {
              "Error": {
                "description": "An error: the status, a sentence, and the parameter at fault when there is one.",
                "content": {
                  "application/json": {
                    "schema": {
                      "type": "object",
                      "required": [
                        "error"
                      ],
                      "properties": {
                        "error": {
                          "type": "object",
                          "required": [
                            "status",
                            "message"
                          ],
                          "properties": {
                            "status": {
                              "type": "integer"
                            },
                            "message": {
                              "type": "string"
                            },
                            "parameter": {
                              "type": "string"
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
        """#
}
