package dev.cordon.dataplane; final class Placeholder {}
