package dev.cordon.ven; final class Placeholder {}
