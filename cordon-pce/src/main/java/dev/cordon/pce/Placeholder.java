package dev.cordon.pce; final class Placeholder {}
